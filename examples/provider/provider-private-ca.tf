# A self-managed Immuta whose certificate is issued by a private CA: trust
# that CA in addition to the system's, rather than turning verification off.

terraform {
  required_providers {
    immuta = {
      source = "immuta/immuta"
    }
  }
}

variable "immuta_ca_certificate_path" {
  description = "Path of the PEM file holding the CA certificate(s) that issued Immuta's certificate."
  type        = string
  default     = "certs/acme-internal-ca.pem"
}

provider "immuta" {
  url            = "https://immuta.internal.acme.example"
  ca_certificate = file(var.immuta_ca_certificate_path)

  # insecure = true skips certificate verification altogether. Use it only
  # against a throwaway test instance: anyone on the network path could read
  # the API key.
}
