// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Command floorprovider is the benchmark's floor: a provider whose
// immuta_integration resource has the real resource's schema (built from the
// same integrationtype tables) but makes no API call. Create fills in the
// computed values from the plan, Read returns the state, Update copies the
// plan and Delete does nothing. Running the same Terraform configuration
// against it measures what Terraform and the plugin framework cost by
// themselves; the benchmark reports the real provider as a ratio to that.
//
// It is served under its own source address, registry.terraform.io/immuta/immuta-floor,
// so a configuration differs from the real one only in required_providers.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
)

// Address is the floor provider's source address.
const Address = "registry.terraform.io/immuta/immuta-floor"

func main() {
	if err := providerserver.Serve(context.Background(), New, providerserver.ServeOpts{Address: Address}); err != nil {
		log.Fatal(err.Error())
	}
}
