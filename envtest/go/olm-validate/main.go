// Command olm-validate validates an operator bundle folder (manifests/ + metadata/) with the
// operator-framework's own validation library, the code behind `operator-sdk bundle validate`:
// the default bundle validators plus the operatorframework suite (OperatorHub v2, good practices,
// deprecated APIs, standard capabilities and categories). It prints one JSON report on stdout and
// exits 1 when any validator reports an error, 2 when the bundle cannot be loaded.
//
//	olm-validate [-k8s-version 1.36] BUNDLE_DIR
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/operator-framework/api/pkg/manifests"
	"github.com/operator-framework/api/pkg/validation"
	"github.com/operator-framework/api/pkg/validation/errors"
)

type finding struct {
	Validator string `json:"validator"`
	Object    string `json:"object"`
	Type      string `json:"type"`
	Field     string `json:"field,omitempty"`
	Detail    string `json:"detail"`
}

type report struct {
	Bundle   string    `json:"bundle"`
	Package  string    `json:"package"`
	CSV      string    `json:"csv"`
	Channels []string  `json:"channels"`
	Objects  int       `json:"objects"`
	Ran      []string  `json:"validators"`
	Errors   []finding `json:"errors"`
	Warnings []finding `json:"warnings"`
}

func main() {
	k8sVersion := flag.String("k8s-version", "", "the Kubernetes version the bundle targets (deprecated-API checks)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: olm-validate [-k8s-version X.Y] BUNDLE_DIR")
		os.Exit(2)
	}
	dir := flag.Arg(0)
	bundle, err := manifests.GetBundleFromDir(dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "olm-validate: cannot load the bundle in %s: %v\n", dir, err)
		os.Exit(2)
	}
	suites := []struct {
		name string
		v    interface {
			Validate(...interface{}) []errors.ManifestResult
		}
	}{
		{"default", validation.DefaultBundleValidators},
		{"OperatorHubV2", validation.OperatorHubV2Validator},
		{"GoodPractices", validation.GoodPracticesValidator},
		{"AlphaDeprecatedAPIs", validation.AlphaDeprecatedAPIsValidator},
		{"StandardCapabilities", validation.StandardCapabilitiesValidator},
		{"StandardCategories", validation.StandardCategoriesValidator},
	}
	out := report{Bundle: dir, Package: bundle.Package, Channels: bundle.Channels, Objects: len(bundle.Objects), Errors: []finding{}, Warnings: []finding{}}
	if bundle.CSV != nil {
		out.CSV = bundle.CSV.GetName()
	}
	objs := append([]interface{}{bundle}, bundle.ObjectsToValidate()...)
	if *k8sVersion != "" {
		objs = append(objs, map[string]string{"k8s-version": *k8sVersion})
	}
	for _, s := range suites {
		out.Ran = append(out.Ran, s.name)
		for _, r := range s.v.Validate(objs...) {
			for _, e := range r.Errors {
				out.Errors = append(out.Errors, finding{s.name, r.Name, string(e.Type), e.Field, e.Error()})
			}
			for _, w := range r.Warnings {
				out.Warnings = append(out.Warnings, finding{s.name, r.Name, string(w.Type), w.Field, w.Error()})
			}
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
	if len(out.Errors) > 0 {
		os.Exit(1)
	}
}
