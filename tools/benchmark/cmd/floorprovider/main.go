// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Command floorprovider serves the benchmark's floor provider (package
// ../../floor): the immuta_integration schema without any API call, under the
// source address registry.terraform.io/immuta/immuta-floor.
package main

import (
	"log"

	"github.com/immuta/terraform-provider-immuta/internal/serve"
	"github.com/immuta/terraform-provider-immuta/tools/benchmark/floor"
)

func main() {
	if err := serve.Serve(floor.Address, floor.New, false); err != nil {
		log.Fatal(err.Error())
	}
}
