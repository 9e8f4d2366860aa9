// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Command floorprovider serves the benchmark's floor provider (package
// ../floor): the immuta_integration schema without any API call, under the
// source address registry.terraform.io/immuta/immuta-floor.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/immuta/terraform-provider-immuta/internal/benchmark/floor"
)

func main() {
	if err := providerserver.Serve(context.Background(), floor.New, providerserver.ServeOpts{Address: floor.Address}); err != nil {
		log.Fatal(err.Error())
	}
}
