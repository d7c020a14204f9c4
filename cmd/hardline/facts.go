package main

import (
	"bytes"
	"encoding/json"
	"os"
	"sort"

	"github.com/spf13/cobra"

	"github.com/hardline-dev/hardline/pkg/baseimage"
	"github.com/hardline-dev/hardline/pkg/dockerfile"
	"github.com/hardline-dev/hardline/pkg/image"
	"github.com/hardline-dev/hardline/pkg/image/source"
	"github.com/hardline-dev/hardline/pkg/lint"
	"github.com/hardline-dev/hardline/pkg/secrets"
)

// The facts command prints the Rego input document, which is what custom
// rules are written against (conftest's `parse` does the same job).
func newFactsCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "facts",
		Short: "Print the input document rules see, for a Dockerfile or an image",
		Long: `Print the facts document (the Rego input) as JSON. Rules, built-in and custom,
query these facts; docs/schema/ describes them. Secret values never appear:
they are masked here as everywhere.`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRunE,
	}
	cmd.AddCommand(newFactsDockerfileCmd(s), newFactsImageCmd(s))
	return cmd
}

func newFactsDockerfileCmd(s streams) *cobra.Command {
	var buildArgs []string
	var target string
	cmd := &cobra.Command{
		Use:     "dockerfile [flags] PATH",
		Short:   "Print the facts of a Dockerfile",
		Example: "  hardline facts dockerfile Dockerfile | jq '.stages[-1].runtime'",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ba, err := parseBuildArgs(buildArgs)
			if err != nil {
				return err
			}
			src, err := os.ReadFile(args[0])
			if err != nil {
				return fail(exitError, "%s", secrets.Default().Redact(args[0]+": "+err.Error()))
			}
			doc, err := dockerfile.Parse(lint.DisplayPath(args[0]), src, dockerfile.Options{BuildArgs: ba, Target: target, BaseImages: baseimage.Default()})
			if err != nil {
				return fail(exitError, "%s", secrets.Default().Redact(err.Error()))
			}
			// The Dockerfile document keeps instruction text as written
			// (rules need it); what is printed is masked.
			return printJSON(s, doc, append(doc.Redactions(), buildArgSecrets(ba)...)...)
		},
	}
	cmd.Flags().StringArrayVar(&buildArgs, "build-arg", nil, "set a build-time variable (NAME=value or NAME; repeatable)")
	cmd.Flags().StringVar(&target, "target", "", "the stage to build (default: the last)")
	return cmd
}

func newFactsImageCmd(s streams) *cobra.Command {
	var platform, maxSize, dfPath, target string
	var insecure, buildArgs []string
	cmd := &cobra.Command{
		Use:     "image [flags] IMAGE",
		Short:   "Print the facts of a built image",
		Example: "  hardline facts image app.tar | jq '.packages.list[] | select(.layer > 0)'",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			plat, err := parsePlatform(platform)
			if err != nil {
				return err
			}
			maxBytes, err := parseSize(maxSize)
			if err != nil {
				return fail(exitError, "--max-file-size: %v", err)
			}
			var df *dockerfile.Document
			if dfPath != "" {
				src, err := os.ReadFile(dfPath)
				if err != nil {
					return fail(exitError, "%s", secrets.Default().Redact(dfPath+": "+err.Error()))
				}
				ba, err := parseBuildArgs(buildArgs)
				if err != nil {
					return err
				}
				if df, err = dockerfile.Parse(lint.DisplayPath(dfPath), src, dockerfile.Options{BuildArgs: ba, Target: target, BaseImages: baseimage.Default()}); err != nil {
					return fail(exitError, "%s", secrets.Default().Redact(err.Error()))
				}
			}
			img, err := source.Open(cmd.Context(), args[0], source.Options{Platform: plat, Insecure: insecure, UserAgent: "hardline/" + version})
			if err != nil {
				return fail(exitError, "%s", secrets.Default().Redact(err.Error()))
			}
			defer img.Close()
			doc, err := image.Build(cmd.Context(), img, image.Options{MaxFileBytes: maxBytes, Dockerfile: df})
			if err != nil {
				return fail(exitError, "%s", secrets.Default().Redact(img.Name+": "+err.Error()))
			}
			return printJSON(s, doc, doc.Redactions()...)
		},
	}
	f := cmd.Flags()
	f.StringVar(&platform, "platform", "", "platform to pick from a multi-platform image (os/arch[/variant])")
	f.StringArrayVar(&insecure, "insecure-registry", nil, "registry HOST[:PORT] to reach over plain HTTP or with an untrusted certificate (repeatable)")
	f.StringVar(&maxSize, "max-file-size", "8MiB", "read at most this much of one file for content checks")
	f.StringVar(&dfPath, "dockerfile", "", "correlate the history with this Dockerfile")
	f.StringArrayVar(&buildArgs, "build-arg", nil, "build argument the image was built with, to read --dockerfile as it was built (repeatable)")
	f.StringVar(&target, "target", "", "the --target the image was built with")
	return cmd
}

// buildArgSecrets returns --build-arg names and values the detector takes
// for credentials: the document lists build arguments as given, including
// ones the Dockerfile never declares (and so never judged), longest first.
func buildArgSecrets(ba map[string]string) []string {
	det := secrets.Default()
	var out []string
	for k, v := range ba {
		if det.CheckValue(k, v) != nil || len(det.ScanText(v)) > 0 {
			out = append(out, v)
		}
		if len(det.ScanText(k)) > 0 {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) || len(out[i]) == len(out[j]) && out[i] < out[j] })
	return out
}

// printJSON writes v as indented JSON with every secret value replaced by
// its masked form wherever the JSON spells it (JSON-escaped, quotes and
// all, see secrets.MaskInJSON): the values given, and every value the
// detector finds in any string of the document. The builders' lists hold
// only what they judged (ENV, ARG, RUN...); instruction arguments they
// keep as written without judging (EXPOSE, LABEL keys, WORKDIR, USER,
// VOLUME, STOPSIGNAL, SHELL, ONBUILD, flags) reached the output unmasked.
func printJSON(s streams, v any, redact ...string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fail(exitError, "writing JSON: %v", err)
	}
	out := buf.Bytes()
	found, err := documentSecrets(out)
	if err != nil {
		return fail(exitError, "writing JSON: %v", err)
	}
	if redact = append(append([]string(nil), redact...), found...); len(redact) > 0 {
		out = []byte(secrets.MaskInJSON(string(out), redact))
	}
	if _, err := s.out.Write(out); err != nil {
		return fail(exitError, "writing JSON: %v", err)
	}
	return nil
}

// documentSecrets returns every secret value the detector finds in the
// strings (object keys included) of the JSON document doc. Each distinct
// string is scanned once, on its own, as the document holds it.
func documentSecrets(doc []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, err
	}
	found := map[string]bool{}
	det := secrets.Default().WithCollector(func(v string) { found[v] = true })
	scanned := map[string]bool{}
	scan := func(s string) {
		if s != "" && !scanned[s] {
			scanned[s] = true
			det.ScanText(s)
		}
	}
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			scan(v)
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for k, e := range v {
				scan(k)
				walk(e)
			}
		}
	}
	walk(root)
	out := make([]string, 0, len(found))
	for v := range found {
		out = append(out, v)
	}
	sort.Strings(out) // printJSON orders by length; this keeps ties stable
	return out, nil
}
