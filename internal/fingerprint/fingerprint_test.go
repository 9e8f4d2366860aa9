// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package fingerprint

import (
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestMatchesOnlyTheSecretFingerprinted(t *testing.T) {
	rec, err := New("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(rec, "correct") || !strings.HasPrefix(rec, "$argon2id$v=19$m=12288,t=3,p=1$") {
		t.Fatalf("record %q: want a PHC argon2id string that does not hold the secret", rec)
	}
	for secret, want := range map[string]bool{
		"correct horse battery staple":  true,
		"correct horse battery staple ": false,
		"Correct horse battery staple":  false,
		"":                              false,
	} {
		got, err := Matches(rec, secret)
		if err != nil || got != want {
			t.Errorf("Matches(%q) = %v, %v; want %v", secret, got, err, want)
		}
	}
}

func TestSaltedEveryTime(t *testing.T) {
	a, _ := New("same")
	b, _ := New("same")
	if a == b {
		t.Fatalf("two fingerprints of one secret are equal (%q): not salted", a)
	}
}

// A record written with other costs (a later build may raise them) verifies
// with the costs it names.
func TestRecordsCarryTheirOwnCost(t *testing.T) {
	salt := []byte("0123456789abcdef")
	sum := argon2.IDKey([]byte("s3cret"), salt, 1, 64, 1, 32)
	rec := "$argon2id$v=19$m=64,t=1,p=1$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(sum)
	if ok, err := Matches(rec, "s3cret"); !ok || err != nil {
		t.Fatalf("a record with m=64,t=1: %v, %v", ok, err)
	}
}

func TestUnreadableRecordsAreErrors(t *testing.T) {
	good, _ := New("x")
	parts := strings.Split(good, "$")
	for name, rec := range map[string]string{
		"empty":          "",
		"other hash":     "$2y$10$abcdefghijklmnopqrstuv",
		"wrong version":  strings.Replace(good, "v=19", "v=16", 1),
		"huge memory":    strings.Replace(good, "m=12288", "m=99999999", 1),
		"zero passes":    strings.Replace(good, "t=3", "t=0", 1),
		"bad salt":       "$" + strings.Join([]string{parts[1], parts[2], parts[3], "!!", parts[5]}, "$"),
		"truncated hash": "$" + strings.Join([]string{parts[1], parts[2], parts[3], parts[4], "AAAA"}, "$"),
	} {
		if ok, err := Matches(rec, "x"); err == nil || ok {
			t.Errorf("%s: Matches = %v, %v; want an error", name, ok, err)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New("benchmark-password"); err != nil {
			b.Fatal(err)
		}
	}
}
