# Every setting can come from the environment instead, which keeps the
# configuration free of tenant URLs and keys:
#
#   export IMMUTA_URL=https://acme.hosted.immutacloud.com
#   export IMMUTA_API_KEY=...            # APPLICATION_ADMIN user
#   export IMMUTA_CA_CERTIFICATE=/etc/ssl/certs/acme-internal-ca.pem   # optional
#   export IMMUTA_REQUEST_TIMEOUT=2m     # optional
#   export IMMUTA_MAX_RETRIES=8          # optional
#
# A setting written in the provider block wins over its variable.

terraform {
  required_providers {
    immuta = {
      source = "immuta/immuta"
    }
  }
}

provider "immuta" {}
