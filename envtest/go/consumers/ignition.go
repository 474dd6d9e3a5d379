package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	ignerrors "github.com/coreos/ignition/v2/config/shared/errors"
	ign34 "github.com/coreos/ignition/v2/config/v3_4"
	ign35 "github.com/coreos/ignition/v2/config/v3_5"
	"github.com/coreos/ignition/v2/config/v3_5/types"
	"github.com/coreos/vcontext/report"
	"github.com/vincent-petithory/dataurl"
)

const (
	srcIgnParse  = "openshift/machine-config-operator pkg/controller/common/helpers.go IgnParseWrapper (coreos/ignition config/v3_x ParseCompatibleVersion)"
	srcIgnModes  = "openshift/machine-config-operator pkg/controller/common/helpers.go validateIgn3FileModes"
	srcKernType  = "openshift/machine-config-operator pkg/controller/common/helpers.go ValidateMachineConfig"
	srcDataURL   = "openshift/machine-config-operator pkg/controller/common/helpers.go DecodeIgnitionFileContents (vincent-petithory/dataurl, as coreos/ignition)"
	srcPoolLabel = "openshift/machine-config-operator manifests/worker.machineconfigpool.yaml and master.machineconfigpool.yaml (machineConfigSelector on machineconfiguration.openshift.io/role)"
	srcDropinDir = "openshift/machine-config-operator templates/worker/01-worker-kubelet/_base/units/kubelet.service.yaml (--config-dir=/etc/openshift/kubelet.conf.d from release-4.21; not in the master template)"
)

const kubeletDropinDir = "/etc/openshift/kubelet.conf.d/"

type ignitionFile struct {
	Path     string `json:"path"`
	Mode     *int   `json:"mode"`
	Contents string `json:"contents"`
}

type ignitionDropin struct {
	Name     string `json:"name"`
	Contents string `json:"contents"`
}

type ignitionUnit struct {
	Name     string           `json:"name"`
	Enabled  *bool            `json:"enabled"`
	Mask     *bool            `json:"mask"`
	Contents *string          `json:"contents"`
	Dropins  []ignitionDropin `json:"dropins"`
}

// ignitionFacts is what the Ignition parser made of spec.config: the files it would write (data
// URLs decoded) and the units it would install, for the unit and shell checks done by the caller.
type ignitionFacts struct {
	Version string         `json:"version"`
	Files   []ignitionFile `json:"files"`
	Units   []ignitionUnit `json:"units"`
}

type machineConfigSpec struct {
	Config          json.RawMessage `json:"config"`
	KernelType      string          `json:"kernelType"`
	KernelArguments []string        `json:"kernelArguments"`
	Extensions      []string        `json:"extensions"`
}

func reportFindings(consumer, source string, r report.Report) []finding {
	var out []finding
	for _, e := range r.Entries {
		out = append(out, finding{consumer, "ignition-" + strings.ToLower(e.Kind.String()), source, fmt.Sprintf("%s: %s", e.Context.String(), e.Message)})
	}
	return out
}

func decodeContents(r types.Resource) (string, error) {
	if r.Source == nil {
		return "", nil
	}
	u, err := dataurl.DecodeString(*r.Source)
	if err != nil {
		return "", fmt.Errorf("source is not a decodable data URL: %w", err)
	}
	data := u.Data
	if r.Compression != nil && *r.Compression != "" {
		if *r.Compression != "gzip" {
			return "", fmt.Errorf("unsupported compression %q", *r.Compression)
		}
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return "", fmt.Errorf("gzip: %w", err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			return "", fmt.Errorf("gzip: %w", err)
		}
	}
	return string(data), nil
}

func judgeMachineConfig(o object, v openshift) (*ignitionFacts, []finding) {
	var fs []finding
	var spec machineConfigSpec
	if err := json.Unmarshal(o.Spec, &spec); err != nil {
		return nil, []finding{{"machine-config-operator", "mc-spec", srcKernType, err.Error()}}
	}
	role := o.Metadata.Labels["machineconfiguration.openshift.io/role"]
	if role == "" {
		fs = append(fs, finding{"machine-config-operator", "mc-role-label", srcPoolLabel, "no machineconfiguration.openshift.io/role label: no pool selects this MachineConfig"})
	}
	switch spec.KernelType {
	case "", "default", "realtime", "64k-pages":
	default:
		fs = append(fs, finding{"machine-config-operator", "mc-kernel-type", srcKernType, fmt.Sprintf("kernelType=%s is invalid", spec.KernelType)})
	}
	if len(spec.Config) == 0 || string(spec.Config) == "null" {
		return nil, fs
	}
	// The MCO parses with the newest spec it knows and refuses anything newer.
	parse := ign35.ParseCompatibleVersion
	if v.maxIgnition == "3.4" {
		parse = func(raw []byte) (types.Config, report.Report, error) {
			_, r, err := ign34.ParseCompatibleVersion(raw)
			if err != nil {
				return types.Config{}, r, err
			}
			return ign35.ParseCompatibleVersion(raw)
		}
	}
	cfg, rpt, err := parse(spec.Config)
	fs = append(fs, reportFindings("ignition", srcIgnParse, rpt)...)
	if err != nil {
		rule := "ignition-parse"
		if err == ignerrors.ErrUnknownVersion || err == ignerrors.ErrInvalidVersion {
			rule = "ignition-version"
			err = fmt.Errorf("%w: OpenShift %s's MCO parses Ignition spec up to %s", err, v.minor, v.maxIgnition)
		}
		return nil, append(fs, finding{"ignition", rule, srcIgnParse, err.Error()})
	}
	facts := &ignitionFacts{Version: cfg.Ignition.Version, Files: []ignitionFile{}, Units: []ignitionUnit{}}
	for _, f := range cfg.Storage.Files {
		if f.Mode != nil && os.FileMode(*f.Mode) > os.ModePerm {
			fs = append(fs, finding{"machine-config-operator", "mc-file-mode", srcIgnModes, fmt.Sprintf("invalid mode %#o for %s, cannot exceed %#o", *f.Mode, f.Path, os.ModePerm)})
		}
		contents, err := decodeContents(f.Contents)
		if err != nil {
			fs = append(fs, finding{"machine-config-operator", "mc-data-url", srcDataURL, fmt.Sprintf("%s: %v", f.Path, err)})
			continue
		}
		for _, a := range f.Append {
			more, err := decodeContents(a)
			if err != nil {
				fs = append(fs, finding{"machine-config-operator", "mc-data-url", srcDataURL, fmt.Sprintf("%s (append): %v", f.Path, err)})
			}
			contents += more
		}
		facts.Files = append(facts.Files, ignitionFile{Path: f.Path, Mode: f.Mode, Contents: contents})
		if strings.HasPrefix(f.Path, kubeletDropinDir) {
			if !v.kubeletDropinDir || role != "worker" {
				fs = append(fs, finding{"machine-config-operator", "kubelet-dropin-unread", srcDropinDir, fmt.Sprintf("%s: the kubelet of the %s pool on OpenShift %s does not read %s", f.Path, role, v.minor, kubeletDropinDir)})
			}
			fs = append(fs, judgeKubeletDropin(f.Path, []byte(contents), role, v)...)
		}
	}
	for _, u := range cfg.Systemd.Units {
		iu := ignitionUnit{Name: u.Name, Enabled: u.Enabled, Mask: u.Mask, Contents: u.Contents, Dropins: []ignitionDropin{}}
		for _, d := range u.Dropins {
			c := ""
			if d.Contents != nil {
				c = *d.Contents
			}
			iu.Dropins = append(iu.Dropins, ignitionDropin{Name: d.Name, Contents: c})
		}
		facts.Units = append(facts.Units, iu)
	}
	return facts, fs
}
