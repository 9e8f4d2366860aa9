// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Package fingerprint records that a secret was applied without recording
// the secret: a salted, deliberately slow argon2id hash, so that whoever
// reads the record (a state file, a plan file holding a copy of it) can
// neither recover the secret nor test guesses of it cheaply. The encoding is
// the PHC string format ($argon2id$v=19$m=...,t=...,p=...$salt$hash), which
// carries its own parameters: records written with other costs still verify.
package fingerprint

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// The cost of a new fingerprint: one of the argon2id settings OWASP's
// password storage cheat sheet gives (12 MiB, 3 passes, 1 lane), about 25 ms
// of one core.
const (
	memoryKiB = 12 * 1024
	passes    = 3
	lanes     = 1
	saltLen   = 16
	hashLen   = 32
	// maxMemoryKiB bounds what a record read from state may ask for.
	maxMemoryKiB = 256 * 1024
	maxPasses    = 16
)

var b64 = base64.RawStdEncoding

// slots bounds the hashes computed at once to the CPUs there are: Terraform
// plans ten resources at a time, and each hash holds memoryKiB; more at once
// would only add memory, not speed.
var slots = make(chan struct{}, runtime.GOMAXPROCS(0))

// New returns the fingerprint of secret, with a fresh random salt.
func New(secret string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("no randomness for a salt: %w", err)
	}
	sum := derive(secret, salt, passes, memoryKiB, lanes, hashLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memoryKiB, passes, lanes,
		b64.EncodeToString(salt), b64.EncodeToString(sum)), nil
}

// Matches reports whether secret is the one fingerprinted. A record that
// cannot be read (edited by hand, or from a format this build does not know)
// is an error: the caller decides what no verdict means.
func Matches(record, secret string) (bool, error) {
	p, err := parse(record)
	if err != nil {
		return false, err
	}
	sum := derive(secret, p.salt, p.passes, p.memory, p.lanes, uint32(len(p.sum)))
	return subtle.ConstantTimeCompare(sum, p.sum) == 1, nil
}

func derive(secret string, salt []byte, t, m uint32, p uint8, n uint32) []byte {
	slots <- struct{}{}
	defer func() { <-slots }()
	return argon2.IDKey([]byte(secret), salt, t, m, p, n)
}

type params struct {
	memory, passes uint32
	lanes          uint8
	salt, sum      []byte
}

var errFormat = errors.New("not an argon2id fingerprint")

func parse(record string) (params, error) {
	var p params
	parts := strings.Split(record, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, errFormat
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, fmt.Errorf("%w: unsupported version %q", errFormat, parts[2])
	}
	var lanes uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.passes, &lanes); err != nil {
		return p, fmt.Errorf("%w: parameters %q", errFormat, parts[3])
	}
	if p.memory < 8 || p.memory > maxMemoryKiB || p.passes < 1 || p.passes > maxPasses || lanes < 1 || lanes > 255 {
		return p, fmt.Errorf("%w: parameters out of range %q", errFormat, parts[3])
	}
	p.lanes = uint8(lanes)
	var err error
	if p.salt, err = b64.DecodeString(parts[4]); err != nil || len(p.salt) < 8 {
		return p, fmt.Errorf("%w: salt", errFormat)
	}
	if p.sum, err = b64.DecodeString(parts[5]); err != nil || len(p.sum) < 16 || len(p.sum) > 64 {
		return p, fmt.Errorf("%w: hash", errFormat)
	}
	return p, nil
}
