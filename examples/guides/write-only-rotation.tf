# A write-only password. The value comes from an ephemeral variable, so it is
# never in the state or in plan files; the provider keeps only a salted
# fingerprint of the value it last sent. To rotate it: change the password in
# Redshift, then run
#
#   TF_VAR_redshift_password=<new> terraform apply
#
# The plan shows password_wo_version going up by one, which the provider
# counts; no other change is needed.

variable "redshift_password" {
  description = "Password of the Redshift user awsuser."
  type        = string
  sensitive   = true
  ephemeral   = true
}

resource "immuta_integration" "redshift" {
  auto_bootstrap = true

  redshift = {
    host             = "analytics.c9xk2lq4w7ab.us-east-1.redshift.amazonaws.com"
    initial_database = "dev"
    database         = "immuta"

    authentication_type = "userPassword"
    username            = "awsuser"
    password_wo         = var.redshift_password
  }
}
