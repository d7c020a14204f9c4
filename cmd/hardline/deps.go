package main

import (
	_ "github.com/fatih/color"
	_ "github.com/google/go-containerregistry/pkg/v1"
	_ "github.com/invopop/jsonschema"
	_ "github.com/moby/buildkit/frontend/dockerfile/instructions"
	_ "github.com/moby/buildkit/frontend/dockerfile/linter"
	_ "github.com/moby/buildkit/frontend/dockerfile/parser"
	_ "github.com/moby/buildkit/frontend/dockerfile/shell"
	_ "github.com/open-policy-agent/opa/v1/rego"
	_ "github.com/open-policy-agent/opa/v1/tester"
	_ "github.com/owenrumney/go-sarif/v3/pkg/report"
	_ "github.com/santhosh-tekuri/jsonschema/v6"
	_ "github.com/spf13/cobra"
	_ "gopkg.in/yaml.v3"
	_ "mvdan.cc/sh/v3/syntax"
	_ "github.com/bmatcuk/doublestar/v4"
)

func main() {}
