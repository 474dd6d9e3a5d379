// Command consumers judges rendered MachineConfigs and KubeletConfigs with the code of the
// components that consume them: Ignition's own parser and validator, the kubelet's config scheme
// (strict decoding, defaulting) and ValidateKubeletConfiguration, and the Machine Config
// Operator's rules, which are encoded here with their upstream source cited (its Go module is
// not served by the module proxy, so it cannot be imported).
//
// stdin:  {"items":[{"id":"…","openshiftVersion":"4.21","object":{…}}]} (one version per run)
// stdout: {"results":[{"id":"…","findings":[…],"ignition":{"files":[…],"units":[…]}}]}
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

type item struct {
	ID               string          `json:"id"`
	OpenshiftVersion string          `json:"openshiftVersion"`
	Object           json.RawMessage `json:"object"`
}

type finding struct {
	Consumer string `json:"consumer"`
	Rule     string `json:"rule"`
	Source   string `json:"source"`
	Message  string `json:"message"`
}

type result struct {
	ID       string         `json:"id"`
	Findings []finding      `json:"findings"`
	Ignition *ignitionFacts `json:"ignition,omitempty"`
}

type object struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name   string            `json:"name"`
		Labels map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec json.RawMessage `json:"spec"`
}

func judge(it item) result {
	res := result{ID: it.ID, Findings: []finding{}}
	v, err := versionOf(it.OpenshiftVersion)
	if err != nil {
		res.Findings = append(res.Findings, finding{"validator", "openshift-version", "envtest/go/consumers", err.Error()})
		return res
	}
	var o object
	if err := json.Unmarshal(it.Object, &o); err != nil {
		res.Findings = append(res.Findings, finding{"validator", "object", "envtest/go/consumers", err.Error()})
		return res
	}
	switch o.Kind {
	case "MachineConfig":
		facts, fs := judgeMachineConfig(o, v)
		res.Ignition = facts
		res.Findings = append(res.Findings, fs...)
	case "KubeletConfig":
		res.Findings = append(res.Findings, judgeKubeletConfig(o, v)...)
	default:
		res.Findings = append(res.Findings, finding{"validator", "kind", "envtest/go/consumers", fmt.Sprintf("kind %q is not judged by this tool", o.Kind)})
	}
	return res
}

func main() {
	var in struct {
		Items []item `json:"items"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintf(os.Stderr, "consumers: cannot read the input: %v\n", err)
		os.Exit(2)
	}
	// The kubelet's gates are process-wide: one run judges one OpenShift release.
	for _, it := range in.Items {
		if it.OpenshiftVersion != in.Items[0].OpenshiftVersion {
			fmt.Fprintln(os.Stderr, "consumers: every item of one run must name the same OpenShift version")
			os.Exit(2)
		}
	}
	if len(in.Items) > 0 {
		if v, err := versionOf(in.Items[0].OpenshiftVersion); err == nil {
			if err := useKubeletGates(v); err != nil {
				fmt.Fprintf(os.Stderr, "consumers: kubelet feature gates for OpenShift %s: %v\n", v.minor, err)
				os.Exit(2)
			}
		}
	}
	out := struct {
		Results []result `json:"results"`
	}{Results: []result{}}
	for _, it := range in.Items {
		out.Results = append(out.Results, judge(it))
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintf(os.Stderr, "consumers: %v\n", err)
		os.Exit(2)
	}
}
