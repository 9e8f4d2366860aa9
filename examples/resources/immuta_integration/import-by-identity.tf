# Requires Terraform 1.12 or later, or OpenTofu 1.12 or later.
# Adopt an existing integration (Immuta ID 7) by its identity. `terraform query`
# writes such blocks for every integration of a tenant: see the guide
# "Adopting a whole tenant with terraform query".
import {
  to = immuta_integration.example
  identity = {
    id = "7"
  }
}
