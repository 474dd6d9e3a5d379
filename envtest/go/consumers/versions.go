package main

import "fmt"

// openshift holds what changed between the OpenShift minors the matrix covers. Each field names
// the upstream place that decides it.
type openshift struct {
	minor string
	// Newest Ignition spec the MCO parses: IgnParseWrapper calls ign3_4.ParseCompatibleVersion in
	// release-4.17 and ign3.ParseCompatibleVersion (v3_5) in release-4.19 and release-4.21
	// (openshift/machine-config-operator pkg/controller/common/helpers.go).
	maxIgnition string
	// Kubernetes minor of the kubelet (the MCO's go.mod pins k8s.io/kubelet v0.30 / v0.32 / v0.34).
	kubernetes string
	// validateUserKubeletConfig refuses failSwapOn and memorySwap.swapBehavior from release-4.21
	// (openshift/machine-config-operator pkg/controller/kubelet-config/helpers.go).
	refusesUserSwap bool
	// The kubelet reads drop-ins from /etc/openshift/kubelet.conf.d on worker-pool nodes from
	// release-4.21 (templates/worker/01-worker-kubelet/_base/units/kubelet.service.yaml adds
	// --config-dir; the master template does not).
	kubeletDropinDir bool
	// OpenShift enables the kubelet's NodeSwap gate only in the TechPreviewNoUpgrade and
	// DevPreviewNoUpgrade feature sets in 4.17 and 4.19 (openshift/api features/features.go
	// FeatureGateNodeSwap, vendored in the MCO's release branches), and the MCO writes every
	// OpenShift gate into the kubelet's featureGates (kubelet_config_controller.go
	// generateOriginalKubeletConfigWithFeatureGates); 4.21 no longer lists the gate.
	nodeSwapDisabled bool
}

var openshiftVersions = map[string]openshift{
	"4.17": {minor: "4.17", maxIgnition: "3.4", kubernetes: "1.30", nodeSwapDisabled: true},
	"4.19": {minor: "4.19", maxIgnition: "3.5", kubernetes: "1.32", nodeSwapDisabled: true},
	"4.21": {minor: "4.21", maxIgnition: "3.5", kubernetes: "1.34", refusesUserSwap: true, kubeletDropinDir: true},
}

func versionOf(minor string) (openshift, error) {
	v, ok := openshiftVersions[minor]
	if !ok {
		return openshift{}, fmt.Errorf("no rules for OpenShift %q (known: 4.17, 4.19, 4.21)", minor)
	}
	return v, nil
}
