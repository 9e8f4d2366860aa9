terraform {
  # Write-only attributes (password_wo) need Terraform 1.11 or OpenTofu 1.11.
  required_version = ">= 1.11"

  required_providers {
    immuta = {
      source = "immuta/immuta"
    }
  }
}
