# Test helper: one call to the control API of the Immuta emulator
# (/_emulator/...), made with curl each time a run block applies this module.
# The emulator is the one the provider talks to: IMMUTA_URL.

variable "path" {
  description = "The call's path under /_emulator/, such as \"faults\" or \"settings\"."
  type        = string
}

variable "body" {
  description = "The call's JSON body, as an HCL value."
  type        = any
}

resource "terraform_data" "call" {
  triggers_replace = [timestamp()] # every apply makes the call again

  provisioner "local-exec" {
    command = "curl -fsS -X POST -H 'Content-Type: application/json' --data \"$BODY\" \"$IMMUTA_URL/_emulator/$CALL\""
    environment = {
      CALL = var.path
      BODY = jsonencode(var.body)
    }
  }
}
