# Adopt an existing integration (Immuta ID 7) with `terraform plan` and
# `terraform apply`. Either write its resource block yourself, or let
# Terraform write it: terraform plan -generate-config-out=generated.tf
import {
  to = immuta_integration.example
  id = "7"
}
