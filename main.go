// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"flag"
	"log"

	"github.com/immuta/terraform-provider-immuta/internal/provider"
	"github.com/immuta/terraform-provider-immuta/internal/serve"
)

// version is set by goreleaser through -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	if err := serve.Serve(provider.Address, provider.New(version), debug); err != nil {
		log.Fatal(err.Error())
	}
}
