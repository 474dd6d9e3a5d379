package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/imdario/mergo"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/version"
	"k8s.io/apimachinery/pkg/util/yaml"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
	_ "k8s.io/kubernetes/pkg/features" // registers the kubelet's feature gates
	kubeletscheme "k8s.io/kubernetes/pkg/kubelet/apis/config/scheme"
	kubeletvalidation "k8s.io/kubernetes/pkg/kubelet/apis/config/validation"
	kubeletcodec "k8s.io/kubernetes/pkg/kubelet/kubeletconfig/util/codec"
	"k8s.io/utils/ptr"
)

const (
	srcUserKC   = "openshift/machine-config-operator pkg/controller/kubelet-config/helpers.go validateUserKubeletConfig"
	srcMCODec   = "openshift/machine-config-operator pkg/controller/kubelet-config/helpers.go DecodeKubeletConfig"
	srcStrict   = "kubernetes pkg/kubelet/kubeletconfig/util/codec DecodeKubeletConfiguration (kubelet config scheme, strict)"
	srcValidate = "kubernetes pkg/kubelet/apis/config/validation ValidateKubeletConfiguration, on the MCO's merge (kubelet-config/helpers.go generateKubeletIgnFiles: mergo.Merge over templates/<role>/01-<role>-kubelet/_base/files/kubelet.yaml)"
	srcSelector = "openshift/machine-config-operator pkg/controller/kubelet-config/kubelet_config_controller.go getPoolsForKubeletConfig"
)

var kubeletCodecs = func() *serializer.CodecFactory {
	_, c, err := kubeletscheme.NewSchemeAndCodecs(serializer.EnableStrict)
	if err != nil {
		panic(err)
	}
	return c
}()

// baseKubeletConfig is what the MCO starts from before merging a KubeletConfig: the values its
// templates/<role>/01-<role>-kubelet/_base/files/kubelet.yaml sets in each release (cluster-specific
// values - DNS IP, TLS profile - replaced by the defaults of a standard cluster).
func baseKubeletConfig(v openshift) *kubeletv1beta1.KubeletConfiguration {
	kc := &kubeletv1beta1.KubeletConfiguration{
		TypeMeta: metav1.TypeMeta{APIVersion: "kubelet.config.k8s.io/v1beta1", Kind: "KubeletConfiguration"},
		Authentication: kubeletv1beta1.KubeletAuthentication{
			X509:      kubeletv1beta1.KubeletX509Authentication{ClientCAFile: "/etc/kubernetes/kubelet-ca.crt"},
			Anonymous: kubeletv1beta1.KubeletAnonymousAuthentication{Enabled: ptr.To(false)},
		},
		CgroupDriver:              "systemd",
		CgroupRoot:                "/",
		ClusterDNS:                []string{"172.30.0.10"},
		ClusterDomain:             "cluster.local",
		ContainerLogMaxSize:       "50Mi",
		EnableSystemLogQuery:      ptr.To(true),
		MaxPods:                   250,
		KubeAPIQPS:                ptr.To[int32](50),
		KubeAPIBurst:              100,
		PodPidsLimit:              ptr.To[int64](4096),
		ProtectKernelDefaults:     true,
		RotateCertificates:        true,
		SerializeImagePulls:       ptr.To(false),
		StaticPodPath:             "/etc/kubernetes/manifests",
		SystemCgroups:             "/system.slice",
		NodeStatusUpdateFrequency: metav1.Duration{Duration: 10e9},
		NodeStatusReportFrequency: metav1.Duration{Duration: 300e9},
		ServerTLSBootstrap:        true,
		TLSMinVersion:             "VersionTLS12",
		// The base sets enableSystemLogQuery, which the kubelet accepts only with NodeLogQuery on:
		// OpenShift's kubelet runs with it (openshift/kubernetes), whatever upstream's default.
		FeatureGates: map[string]bool{"NodeLogQuery": true},
		// ValidateKubeletConfiguration checks failCgroupV1 against the cgroup mode of the host it
		// runs on; RHCOS nodes run cgroup v2, this validator's host may not.
		FailCgroupV1: ptr.To(false),
	}
	if v.nodeSwapDisabled {
		kc.FeatureGates["NodeSwap"] = false
	}
	if v.refusesUserSwap {
		// release-4.21 sets these in the base itself (commit "Disable Swap mode for Kubelet and add config-dir").
		kc.FailSwapOn = ptr.To(false)
		kc.MemorySwap.SwapBehavior = "NoSwap"
	}
	return kc
}

// useKubeletGates sets the kubelet's feature gates to the Kubernetes minor an OpenShift release
// ships. The kubelet's defaulting reads the process-wide gate, so one run judges one release.
func useKubeletGates(v openshift) error {
	return utilfeature.DefaultMutableFeatureGate.SetEmulationVersionAndMinCompatibilityVersion(version.MustParse(v.kubernetes), version.MustParse(v.kubernetes))
}

// safely turns a panic of the kubelet's code into an error: its defaulting panics on what a user
// can type (an unknown feature gate), where the real kubelet would crash-loop.
func safely(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the kubelet would crash: %v", r)
		}
	}()
	return f()
}

// strictCheck decodes a KubeletConfiguration document with the kubelet's strict codec; unknown or
// duplicate fields come back as the error.
func strictCheck(doc []byte) error {
	return safely(func() error {
		_, _, err := kubeletCodecs.UniversalDecoder().Decode(doc, nil, nil)
		return err
	})
}

// validateMerged runs the kubelet's own decoding (defaulting) and validation on the merged config.
func validateMerged(merged *kubeletv1beta1.KubeletConfiguration, v openshift) error {
	data, err := json.Marshal(merged)
	if err != nil {
		return err
	}
	return safely(func() error {
		internal, err := kubeletcodec.DecodeKubeletConfiguration(context.Background(), kubeletCodecs, data)
		if err != nil {
			return err
		}
		return kubeletvalidation.ValidateKubeletConfiguration(internal, utilfeature.DefaultFeatureGate)
	})
}

func lenientDecode(raw []byte) (*kubeletv1beta1.KubeletConfiguration, error) {
	kc := &kubeletv1beta1.KubeletConfiguration{}
	if err := yaml.NewYAMLOrJSONDecoder(bytes.NewReader(raw), len(raw)).Decode(kc); err != nil {
		return nil, err
	}
	return kc, nil
}

// userKubeletConfigRules: validateUserKubeletConfig, release by release.
func userKubeletConfigRules(spec kubeletConfigSpec, kc *kubeletv1beta1.KubeletConfiguration, v openshift) []finding {
	var fs []finding
	add := func(rule, format string, args ...any) {
		fs = append(fs, finding{"machine-config-operator", rule, srcUserKC, fmt.Sprintf(format, args...)})
	}
	if spec.LogLevel != nil && (*spec.LogLevel < 1 || *spec.LogLevel > 10) {
		add("kubeletconfig-log-level", "KubeletConfig's LogLevel is not valid [1,10]: %d", *spec.LogLevel)
	}
	if kc.CgroupDriver != "" {
		add("kubeletconfig-forbidden-field", "cgroupDriver is not allowed to be set")
	}
	if len(kc.ClusterDNS) > 0 {
		add("kubeletconfig-forbidden-field", "clusterDNS is not allowed to be set")
	}
	if kc.ClusterDomain != "" {
		add("kubeletconfig-forbidden-field", "clusterDomain is not allowed to be set")
	}
	if len(kc.FeatureGates) > 0 {
		add("kubeletconfig-forbidden-field", "featureGates is not allowed to be set")
	}
	if kc.StaticPodPath != "" {
		add("kubeletconfig-forbidden-field", "staticPodPath is not allowed to be set")
	}
	if v.refusesUserSwap && kc.FailSwapOn != nil {
		add("kubeletconfig-no-swap-fields", "failSwapOn is not allowed to be set from OpenShift 4.21, but contains: %v (the whole KubeletConfig is refused)", *kc.FailSwapOn)
	}
	if v.refusesUserSwap && kc.MemorySwap.SwapBehavior != "" {
		add("kubeletconfig-no-swap-fields", "swapBehavior is not allowed to be set from OpenShift 4.21, but contains: %s (the whole KubeletConfig is refused)", kc.MemorySwap.SwapBehavior)
	}
	if len(kc.SystemReserved) > 0 && spec.AutoSizingReserved != nil && *spec.AutoSizingReserved {
		add("kubeletconfig-reserved", "autoSizingReserved and systemReserved cannot be set together")
	}
	return fs
}

type kubeletConfigSpec struct {
	KubeletConfig             json.RawMessage `json:"kubeletConfig"`
	LogLevel                  *int32          `json:"logLevel"`
	AutoSizingReserved        *bool           `json:"autoSizingReserved"`
	MachineConfigPoolSelector *struct {
		MatchLabels map[string]string `json:"matchLabels"`
	} `json:"machineConfigPoolSelector"`
}

func judgeKubeletConfig(o object, v openshift) []finding {
	var spec kubeletConfigSpec
	if err := json.Unmarshal(o.Spec, &spec); err != nil {
		return []finding{{"machine-config-operator", "kubeletconfig-spec", srcMCODec, err.Error()}}
	}
	var fs []finding
	if spec.MachineConfigPoolSelector == nil || len(spec.MachineConfigPoolSelector.MatchLabels) == 0 {
		fs = append(fs, finding{"machine-config-operator", "kubeletconfig-pool-selector", srcSelector, "no machineConfigPoolSelector.matchLabels: the KubeletConfig matches no pool"})
	}
	if len(spec.KubeletConfig) == 0 || string(spec.KubeletConfig) == "null" {
		return append(fs, userKubeletConfigRules(spec, &kubeletv1beta1.KubeletConfiguration{}, v)...)
	}
	kc, err := lenientDecode(spec.KubeletConfig)
	if err != nil {
		return append(fs, finding{"machine-config-operator", "kubeletconfig-decode", srcMCODec, "KubeletConfig could not be unmarshalled: " + err.Error()})
	}
	fs = append(fs, userKubeletConfigRules(spec, kc, v)...)

	// The MCO decodes leniently, so a misspelled field is dropped without a word: the kubelet's
	// strict decoder says which.
	var fields map[string]any
	if err := json.Unmarshal(spec.KubeletConfig, &fields); err == nil {
		fields["apiVersion"], fields["kind"] = "kubelet.config.k8s.io/v1beta1", "KubeletConfiguration"
		doc, _ := json.Marshal(fields)
		if err := strictCheck(doc); err != nil {
			fs = append(fs, finding{"kubelet", "kubelet-strict-decode", srcStrict, err.Error()})
		}
	}

	// What the MCO writes to /etc/kubernetes/kubelet.conf: the user's fields merged over its base
	// (systemReserved cpu/memory/ephemeral-storage and featureGates are taken out first).
	user := kc.DeepCopy()
	for _, k := range []string{"cpu", "memory", "ephemeral-storage"} {
		delete(user.SystemReserved, k)
	}
	user.FeatureGates = nil
	merged := baseKubeletConfig(v)
	if err := mergo.Merge(merged, user, mergo.WithOverride); err != nil {
		return append(fs, finding{"machine-config-operator", "kubeletconfig-merge", srcValidate, err.Error()})
	}
	if err := validateMerged(merged, v); err != nil {
		fs = append(fs, finding{"kubelet", "kubelet-validate", srcValidate, fmt.Sprintf("OpenShift %s (kubelet %s): %v", v.minor, v.kubernetes, err)})
	}
	return fs
}

// judgeKubeletDropin: a file the kubelet merges over its config from --config-dir. It must be a
// complete, strictly valid KubeletConfiguration document, and the result must validate.
func judgeKubeletDropin(path string, contents []byte, role string, v openshift) []finding {
	var fs []finding
	if !strings.HasSuffix(path, ".conf") {
		fs = append(fs, finding{"kubelet", "kubelet-dropin-suffix", "kubernetes cmd/kubelet/app/server.go mergeKubeletConfigurations (only *.conf files are read)", path + ": the kubelet reads only files ending in .conf"})
	}
	if err := strictCheck(contents); err != nil {
		return append(fs, finding{"kubelet", "kubelet-dropin-decode", srcStrict, fmt.Sprintf("%s: %v", path, err)})
	}
	dropin, err := lenientDecode(contents)
	if err != nil {
		return append(fs, finding{"kubelet", "kubelet-dropin-decode", srcStrict, fmt.Sprintf("%s: %v", path, err)})
	}
	merged := baseKubeletConfig(v)
	if err := mergo.Merge(merged, dropin, mergo.WithOverride); err != nil {
		return append(fs, finding{"kubelet", "kubelet-dropin-merge", srcValidate, err.Error()})
	}
	if err := validateMerged(merged, v); err != nil {
		fs = append(fs, finding{"kubelet", "kubelet-validate", srcValidate, fmt.Sprintf("%s on the %s pool, OpenShift %s (kubelet %s): %v", path, role, v.minor, v.kubernetes, err)})
	}
	return fs
}

var _ runtime.Object = &kubeletv1beta1.KubeletConfiguration{}
