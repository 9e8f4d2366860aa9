// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Package emulator is an in-memory stand-in for an Immuta tenant's Integrations API, following the
// repository's reference, IMMUTA_API.md, to the letter: endpoints, status codes, error messages,
// asynchronous status transitions, defaults and secret redaction. It is strict where that reference is
// strict, because the provider's tests run against it instead of a real tenant. Tests drive
// it through the control surface under /_emulator/ or through the Go methods on *Emulator.
//
// Where IMMUTA_API.md is silent, the emulator decides as follows:
//
//   - Order of checks: body/JSON and payload validation (400) come first, as in Immuta's route
//     validation, then 404, then 409 (transitional status), then non-editable attributes or DELETE
//     body rules (400), then credentials (422), then an injected validation failure (422).
//   - Payload messages are Joi-style and name the first problem: fields in schema order, then unknown
//     keys. JSON types are strict (a port given as "443" is rejected; null is not a string).
//   - The non-editable list follows the PUT body's key order; NE fields the body left out come last.
//   - Trino's autoBootstrap is accepted (if boolean) and stored as false; a Trino body with "config" is
//     rejected.
//   - Script endpoints serve manual (autoBootstrap false) integrations only, never Trino;
//     initial-create is for Redshift and Azure Synapse Analytics.
//   - A Native S3 name clash answers 409 "Native S3 integration with name N already exists (id = I).".
//   - Fault rules apply to authenticated API calls only, in order, first match wins. Rules whose action
//     is validation or outcome (without status) only match POST /integrations and PUT/DELETE
//     /integrations/{id}; a rule is used up when it matches, even if the request then fails earlier.
//   - A rule with "every": N (an addition, for load tests) applies to every N-th matching request only;
//     the others pass it by and may match later rules. "times" then counts the requests it applied to.
//   - A request dropped before handling is logged with status 0; every other one with the status answered.
//   - Fault actions beyond IMMUTA_API.md's, for a hostile network (see FaultAction): "body" and
//     "contentType" (with "status": that body instead of the error envelope, unhandled), "answerBody" and
//     "answerContentType" (the request handled, its answer's body replaced, status kept), "override" (the
//     request handled, keys merged into its 2xx JSON answer, into every object of a list; null removes),
//     "validationRepeat" (the validation tests N times over, names suffixed " #i") and "trickle" (the
//     answer written a byte at a time, until the client goes away). In Go a FaultAction holds one kind
//     of fault (Respond, RespondBody, Refuse, Handle, Drop); its flat JSON is sorted into one, and a rule
//     sent to /_emulator/faults that mixes kinds, or with a field the rest of its action would ignore, is
//     refused (400). AddFault does not check.
//   - Bodies must be application/json (415 otherwise); the limit is 1 MiB (413).
//
// Two answer styles (Options.AnswerStyle, setAnswerStyle, "answerStyle" in /_emulator/settings):
// AnswerEcho, the default, answers the whole stored config with defaults filled in and secrets as
// "[REDACTED]", and removes a deleted integration; AnswerLiteral follows IMMUTA_API.md, Sparse answers,
// to the letter (see its doc). Where that section leaves room, the literal style decides:
//
//   - The privileged credentials left out are the type's DELETE credential fields (Snowflake, Redshift,
//     Azure Synapse Analytics, autoBootstrap true); Databricks keeps its non-secret auth fields.
//   - Defaults are compared as JSON (443 equals 443.0); an object with no members left is left out,
//     also when it was stored empty (Databricks groupPattern without deny). Keys the schema does not
//     know (added with PatchConfig) are answered as stored.
//   - authorityUrl loses every trailing slash; its case is kept. host and workspaceUrl are lower-cased.
//   - A deleted integration is read-only history: reads answer it, every call that would change it
//     (PUT, DELETE, regenerate, the per-id scripts, and the controls PatchConfig, ForceStatus, Vanish)
//     answers as if it were gone. Switching to the echo style removes the deleted integrations kept.
package emulator
