// Package finding defines what a rule reports, how severe it is, and the
// stable fingerprint that baselines, suppressions and SARIF rely on.
package finding

import (
	"fmt"
	"strings"
)

// Severity orders findings. Info never fails a build by default.
type Severity int

const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = []string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < Info || s > Critical {
		return "unknown"
	}
	return severityNames[s]
}

// ParseSeverity accepts the lower-case names (case-insensitively) and "none",
// which returns a value above Critical so that nothing reaches it.
func ParseSeverity(s string) (Severity, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	for i, n := range severityNames {
		if v == n {
			return Severity(i), nil
		}
	}
	if v == "none" || v == "never" {
		return Critical + 1, nil
	}
	return Info, fmt.Errorf("unknown severity %q (want info, low, medium, high, critical or none)", s)
}

// MarshalText makes Severity render as its name in JSON and YAML.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Control is a reference to a compliance control, e.g.
// {Framework: "nist-800-190", ID: "4.1.1"}.
type Control struct {
	Framework string `json:"framework"`
	ID        string `json:"id"`
}

func (c Control) String() string { return c.Framework + ":" + c.ID }

// Location is a 1-based span; zero values mean "whole file".
type Location struct {
	StartLine   int `json:"start_line"`
	StartColumn int `json:"start_column"`
	EndLine     int `json:"end_line"`
	EndColumn   int `json:"end_column"`
}

// Suppression records why a finding is not counted.
type Suppression struct {
	// Kind is "inline" (a # hardline ignore comment), "config" (an ignore
	// entry of .hardline.yaml), "allowlist" (a secrets.allow entry of
	// .hardline.yaml), "baseline" or "base-image".
	Kind   string `json:"kind"`
	Reason string `json:"reason,omitempty"`
	// Where the suppression was declared, e.g. "Dockerfile:12" or
	// ".hardline.yaml".
	Source string `json:"source,omitempty"`
	// Owner is who accepted the risk (a waiver's owner), when declared.
	Owner string `json:"owner,omitempty"`
	// Expires is the last day (YYYY-MM-DD) a waiver applies, when declared.
	Expires string `json:"expires,omitempty"`
}

// Finding is one reported problem.
type Finding struct {
	RuleID      string    `json:"rule_id"`
	RuleName    string    `json:"rule_name"`
	Title       string    `json:"title"`
	Severity    Severity  `json:"severity"`
	Tags        []string  `json:"tags"`
	Controls    []Control `json:"controls"`
	Message     string    `json:"message"`
	Remediation string    `json:"remediation,omitempty"`
	HelpURI     string    `json:"help_uri,omitempty"`
	// File is the input path, slash-separated and relative to the working
	// directory when it is below it.
	File     string   `json:"file"`
	Location Location `json:"location"`
	// Stage is the stage index the finding belongs to (-1 when none) and
	// StageName its alias.
	Stage     int    `json:"stage"`
	StageName string `json:"stage_name,omitempty"`
	// Key is rule-provided content that identifies the finding independent
	// of its line (e.g. the offending package name); part of Fingerprint.
	Key string `json:"-"`
	// Context is the normalised text of the instruction the finding points
	// at; part of Fingerprint so that moving lines keeps fingerprints.
	Context     string       `json:"-"`
	Fingerprint string       `json:"fingerprint"`
	Suppressed  *Suppression `json:"suppressed,omitempty"`
	// ExpiredWaiver is set on a finding that is not suppressed although a
	// waiver (an ignore entry of .hardline.yaml) matches it, because the
	// waiver's expiry date has passed: the finding counts again and reports
	// say which waiver lapsed (Source names its line).
	ExpiredWaiver *Suppression `json:"expired_waiver,omitempty"`
	// Image is set for findings about a built image.
	Image *ImageRef `json:"image,omitempty"`
	// Secret is set for findings about one detected secret value.
	Secret *SecretRef `json:"secret,omitempty"`
}

// SecretRef names the secret value a finding is about, without the value.
type SecretRef struct {
	// Fingerprint is the secret's fingerprint (16 hex digits of the
	// value's SHA-256), which secrets.allow entries in .hardline.yaml name.
	Fingerprint string `json:"fingerprint"`
	// Rule is the detector rule that recognised it (generic-api-key,
	// private-key ...); empty when the finding's facts disagree on it.
	Rule string `json:"rule"`
	// Masked is the safe representation also shown in the message.
	Masked string `json:"masked"`
}

// ImageRef says where in a built image a finding lies.
type ImageRef struct {
	// Name is the image as reported (e.g. "app.tar", "registry/app:1.4").
	Name   string `json:"name"`
	Digest string `json:"digest"`
	// Layer is the layer index (-1 when the finding is about the config)
	// and LayerDigest its diff ID.
	Layer       int    `json:"layer"`
	LayerDigest string `json:"layer_digest"`
	// History is the history entry responsible (-1 when unknown).
	History int `json:"history"`
	// Path is the file in the image, when the finding is about one.
	Path string `json:"path"`
	// Origin is "base" when the finding comes from the base image's
	// layers, "own" when from the Dockerfile's own instructions, and ""
	// when unknown (no --dockerfile).
	Origin string `json:"origin"`
}
