// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package benchmark

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Source addresses of the two providers; the configurations differ only there.
const (
	ProviderSource = "registry.terraform.io/immuta/immuta"
	FloorSource    = "registry.terraform.io/immuta/immuta-floor"
)

// Binary names terraform looks for in the dev_overrides directories.
const (
	ProviderBinary = "terraform-provider-immuta"
	FloorBinary    = "terraform-provider-immuta-floor"
)

// Variant is a form of the benchmark's configuration: the same
// integrations, with the Snowflake password set one way or another.
type Variant string

// The variants, in the order they run.
const (
	// VariantStored sets password, kept (sensitive) in state: the
	// configuration the targets were first measured with.
	VariantStored Variant = "stored"
	// VariantWriteOnly sets password_wo from an ephemeral variable, with no
	// password_wo_version: the provider counts the version and keeps an
	// argon2id fingerprint of the value, computed on every create and update
	// and verified on every plan of an existing integration.
	VariantWriteOnly Variant = "write-only"
)

// Variants lists the variants in order.
var Variants = []Variant{VariantStored, VariantWriteOnly}

// Password is the Snowflake password of every integration, in both variants.
const Password = "bench-password"

// Env is what terraform's environment adds for the variant. Deleting an
// auto-bootstrapped integration needs its password again, which a
// write-only password leaves nowhere in state: the write-only runs supply
// it as IMMUTA_DELETE_PASSWORD, which adds nothing to the configuration
// the two variants compare (the floor ignores it).
func (v Variant) Env() []string {
	if v == VariantWriteOnly {
		return []string{"IMMUTA_DELETE_PASSWORD=" + Password}
	}
	return nil
}

// Config is the benchmark's Terraform configuration: var.n Snowflake
// integrations, set up automatically (so the destroy sends the privileged
// credentials, as it would for real), whose warehouse comes from
// var.warehouse so that changing it updates every one in place. The
// variant decides how the password is set.
func Config(source string, v Variant) string {
	variable, password := "", fmt.Sprintf("password            = %q", Password)
	if v == VariantWriteOnly {
		variable = fmt.Sprintf(`
variable "password" {
  type      = string
  sensitive = true
  ephemeral = true
  default   = %q
}
`, Password)
		password = "password_wo         = var.password"
	}
	return fmt.Sprintf(`terraform {
  required_providers {
    immuta = {
      source = %q
    }
  }
}

variable "n" {
  type = number
}

variable "warehouse" {
  type    = string
  default = "BENCH_WH"
}

variable "immuta_url" {
  type = string
}

variable "immuta_api_key" {
  type      = string
  sensitive = true
}
%s
provider "immuta" {
  url     = var.immuta_url
  api_key = var.immuta_api_key
}

resource "immuta_integration" "bench" {
  count          = var.n
  auto_bootstrap = true

  snowflake = {
    host      = format("bench-%%05d.us-east-1.snowflakecomputing.com", count.index)
    warehouse = var.warehouse
    database  = "IMMUTA_BENCH"
    role      = "ACCOUNTADMIN"

    authentication_type = "userPassword"
    username            = "IMMUTA_SETUP"
    %s

    # Set explicitly, so that the floor's state has Immuta's shape: left out,
    # these are Immuta's to fill in, which the floor cannot do.
    workspaces        = { enabled = false, warehouses = [] }
    impersonation     = { enabled = false }
    lineage           = { enabled = false }
    user_role_pattern = { exclude = [] }
  }
}
`, strings.TrimPrefix(source, "registry.terraform.io/"), variable, password)
}

// CLIConfig is a Terraform CLI configuration that runs the two local builds
// in place (dev_overrides: no terraform init, nothing downloaded).
func CLIConfig(providerDir, floorDir string) string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
    %q = %q
  }
  direct {}
}
`, ProviderSource, providerDir, FloorSource, floorDir)
}

// Workspace is one Terraform working directory (its own state) bound to
// one of the two providers.
type Workspace struct {
	Terraform string   // path of the terraform binary
	Dir       string   // the working directory
	Env       []string // the whole environment of terraform
	Binary    string   // the provider executable terraform starts (watched in /proc)
	// Parallelism is terraform's -parallelism.
	Parallelism int
	// ProfileDir, when set, is where profiled builds (cmd/profiledprovider)
	// write their profiles, in a subdirectory per size and step.
	ProfileDir string
}

// NewWorkspace writes the configuration of variant v for source into dir;
// terraform runs there in env and the variant's Env.
func NewWorkspace(terraform, dir, source string, v Variant, binary string, env []string, parallelism int) (*Workspace, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(Config(source, v)), 0o644); err != nil {
		return nil, err
	}
	env = append(slices.Clip(env), v.Env()...)
	return &Workspace{Terraform: terraform, Dir: dir, Env: env, Binary: binary, Parallelism: parallelism}, nil
}

// Step is one terraform command of the benchmark.
type Step string

// The steps, in the order they run.
const (
	StepApply   Step = "apply"   // create n integrations from empty state
	StepPlan    Step = "plan"    // refresh and plan, nothing to change
	StepUpdate  Step = "update"  // change the warehouse of every integration in place
	StepDestroy Step = "destroy" // delete them all
)

// Steps lists the steps in order.
var Steps = []Step{StepApply, StepPlan, StepUpdate, StepDestroy}

// Warehouses before and after the update step.
const (
	WarehouseBefore = "BENCH_WH"
	WarehouseAfter  = "BENCH_WH_2"
)

// Args are the terraform arguments of a step for n integrations.
func (s Step) Args(n, parallelism int) []string {
	common := []string{"-input=false", "-no-color", "-parallelism=" + strconv.Itoa(parallelism), "-var", "n=" + strconv.Itoa(n)}
	wh := func(w string) []string { return []string{"-var", "warehouse=" + w} }
	switch s {
	case StepApply:
		return append(append([]string{"apply", "-auto-approve"}, common...), wh(WarehouseBefore)...)
	case StepPlan:
		return append(append([]string{"plan", "-detailed-exitcode"}, common...), wh(WarehouseBefore)...)
	case StepUpdate:
		return append(append([]string{"apply", "-auto-approve"}, common...), wh(WarehouseAfter)...)
	case StepDestroy:
		return append(append([]string{"destroy", "-auto-approve"}, common...), wh(WarehouseAfter)...)
	}
	panic("benchmark: unknown step " + string(s))
}

// Run is the outcome of one terraform command.
type Run struct {
	Wall time.Duration
	Proc ProcStats
	// SelfCPU is the CPU time of this process (the emulator, and the
	// recorder and watcher) during the run: the API's share of the machine.
	SelfCPU time.Duration
	Output  []byte
}

// Run runs one step and watches the provider processes terraform starts.
// The plan step must find nothing to change (exit code 0).
func (w *Workspace) Run(ctx context.Context, s Step, n int) (Run, error) {
	args := s.Args(n, w.Parallelism)
	cmd := exec.CommandContext(ctx, w.Terraform, args...)
	cmd.Dir, cmd.Env = w.Dir, w.Env
	if w.ProfileDir != "" {
		dir := filepath.Join(w.ProfileDir, fmt.Sprintf("n%d-%s", n, s))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return Run{}, err
		}
		cmd.Env = append(slices.Clip(w.Env), "BENCH_PPROF_DIR="+dir)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start, startCPU := time.Now(), selfCPU()
	if err := cmd.Start(); err != nil {
		return Run{}, err
	}
	watch := Watch(cmd.Process.Pid, w.Binary, 20*time.Millisecond)
	err := cmd.Wait()
	r := Run{Wall: time.Since(start), Proc: watch.Stop(), SelfCPU: selfCPU() - startCPU, Output: out.Bytes()}
	if err != nil {
		var exit *exec.ExitError
		if s == StepPlan && errors.As(err, &exit) && exit.ExitCode() == 2 {
			return r, fmt.Errorf("terraform %s found changes after apply:\n%s", strings.Join(args, " "), tail(out.Bytes(), 60))
		}
		return r, fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, tail(out.Bytes(), 60))
	}
	return r, nil
}

// tail is the last n lines of b.
func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// TerraformEnv is the environment terraform runs in: the caller's, without
// any TF_* or IMMUTA_* setting that would change what is measured, plus
// the CLI configuration, the emulator's URL and key, and no checkpoint
// (update check) call.
func TerraformEnv(base []string, cliConfig, url, apiKey string) []string {
	var env []string
	for _, kv := range base {
		if strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "IMMUTA_") || strings.HasPrefix(kv, "CHECKPOINT_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"TF_VAR_immuta_url="+url,
		"TF_VAR_immuta_api_key="+apiKey,
	)
}

// selfCPU is the user+system CPU time of this process so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
