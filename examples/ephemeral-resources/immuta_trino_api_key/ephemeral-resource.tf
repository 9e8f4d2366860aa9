# The Starburst integration's key stays out of the state: api_key is null there.
resource "immuta_integration" "starburst" {
  trino = {
    store_api_key = false
  }
}

# Read at run time, never stored in the state or in plan files.
ephemeral "immuta_trino_api_key" "starburst" {
  integration_id = immuta_integration.starburst.id
}

# Pass ephemeral.immuta_trino_api_key.starburst.api_key to a write-only
# argument (Terraform 1.11 and later), such as a secret in a secrets manager
# that the Starburst cluster's configuration reads. For example, with the AWS
# provider:
#
# resource "aws_secretsmanager_secret_version" "starburst_immuta_key" {
#   secret_id                = aws_secretsmanager_secret.starburst_immuta_key.id
#   secret_string_wo         = ephemeral.immuta_trino_api_key.starburst.api_key
#   secret_string_wo_version = 1 # increase it after each rotation, to write the new key
# }
