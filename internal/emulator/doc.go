// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Package emulator is an in-memory stand-in for an Immuta tenant's Integrations API, following the
// project's contract (docs: /work/shared/immuta-integrations-api.md) to the letter: endpoints, status
// codes, error messages, asynchronous status transitions, defaults and secret redaction. Tests drive it
// through the control surface under /_emulator/ or through the Go methods on *Emulator.
//
// It deliberately uses only the standard library and imports nothing else from this repository, so the
// provider is tested against an independent reading of the contract.
package emulator
