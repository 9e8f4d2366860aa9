terraform {
  required_version = ">= 1.11"

  required_providers {
    immuta = {
      source = "immuta/immuta"
    }
  }
}

# The API key belongs to an Immuta user with the APPLICATION_ADMIN permission.
# Keep it out of the configuration: pass it as a sensitive variable (here), or
# leave api_key out and export IMMUTA_API_KEY instead.
variable "immuta_api_key" {
  description = "Immuta API key of a user with the APPLICATION_ADMIN permission."
  type        = string
  sensitive   = true
}

provider "immuta" {
  url     = "https://acme.hosted.immutacloud.com"
  api_key = var.immuta_api_key

  # Optional settings, shown with their defaults.
  request_timeout = "60s" # time limit of one HTTP request
  max_retries     = 5     # retries after 429, 502, 503, 504 and connection errors
}
