// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Command quickstart runs the provider end to end against the embedded
// Immuta emulator: build, init, apply, show, drift, plan, destroy. It needs
// only Go and Terraform or OpenTofu (the TERRAFORM environment variable names
// the binary; default terraform), and never touches the user's ~/.terraformrc.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
	"github.com/immuta/terraform-provider-immuta/internal/tfcli"
)

const (
	apiKey = "quickstart-api-key"
	// demoVersion is the version the local build is installed as.
	demoVersion = "0.1.0"
)

func main() {
	bin := os.Getenv("TERRAFORM")
	if bin == "" {
		bin = "terraform"
	}
	if err := run(bin); err != nil {
		fmt.Fprintf(os.Stderr, "\nquickstart failed: %v\n", err)
		os.Exit(1)
	}
}

type demo struct {
	cli     tfcli.CLI
	workDir string
	env     []string
	srv     *emulator.Server
}

// run runs the quickstart with bin, the name or path of a Terraform or
// OpenTofu binary.
func run(bin string) (err error) {
	if _, err := exec.LookPath(bin); err != nil {
		return fmt.Errorf("%s not found; install Terraform 1.11 or later or OpenTofu 1.11 or later, or name it in TERRAFORM", bin)
	}
	cli, err := tfcli.Identify(context.Background(), bin)
	if err != nil {
		return err
	}
	fmt.Printf("Using %s\n", cli)
	tf := cli.Command()
	repo, err := repoRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "immuta-quickstart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	step("Building the provider")
	// A local filesystem mirror lets `terraform init` install the build
	// offline, exactly as it would install a release from the registry
	// (OpenTofu's registry host for OpenTofu).
	mirror := filepath.Join(tmp, "mirror")
	platform := runtime.GOOS + "_" + runtime.GOARCH
	binary := filepath.Join(mirror, filepath.FromSlash(cli.ProviderAddress()), demoVersion, platform, "terraform-provider-immuta_v"+demoVersion)
	build := command(os.Environ(), repo, "go", "build", "-ldflags", "-X main.version="+demoVersion, "-o", binary, ".")
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build: %w", err)
	}

	step("Starting the Immuta emulator (integrations take 1s to create, edit or delete)")
	srv, err := emulator.Start(emulator.Options{APIKey: apiKey, TransitionDelay: time.Second})
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Printf("  emulator listening on %s\n", srv.URL)

	cliConfig := filepath.Join(tmp, "terraform.rc")
	rc := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [%q]\n  }\n}\n", mirror, cli.ProviderAddress())
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		return err
	}
	d := &demo{
		cli:     cli,
		workDir: filepath.Join(tmp, "quickstart"),
		srv:     srv,
		env: append(os.Environ(),
			"TF_CLI_CONFIG_FILE="+cliConfig, // the user's own CLI configuration stays untouched
			"TF_IN_AUTOMATION=1",
			"TF_VAR_immuta_url="+srv.URL,
			"TF_VAR_immuta_api_key="+apiKey,
		),
	}
	if err := copyDir(filepath.Join(repo, "examples", "quickstart"), d.workDir); err != nil {
		return err
	}

	// Ctrl-C: stop the current step, then still destroy what was created.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	applied := false
	defer func() {
		if applied {
			step("Cleaning up: " + tf + " destroy")
			if derr := d.terraform(context.Background(), "destroy", "-auto-approve", "-no-color"); derr != nil && err == nil {
				err = fmt.Errorf("%s destroy: %w", tf, derr)
			}
			left := len(srv.Emulator.Integrations())
			fmt.Printf("  integrations left in the emulator: %d\n", left)
			if left != 0 && err == nil {
				err = fmt.Errorf("%d integrations left after destroy", left)
			}
		}
		step("Stopping the emulator")
	}()

	step(tf + " init (installs the local build from a filesystem mirror; nothing is downloaded)")
	if err := d.terraform(ctx, "init", "-no-color", "-input=false"); err != nil {
		return err
	}
	step(tf + " apply")
	applied = true
	if err := d.terraform(ctx, "apply", "-auto-approve", "-no-color", "-input=false"); err != nil {
		return err
	}

	step("The integrations Immuta now holds")
	records := srv.Emulator.Integrations()
	sort.Slice(records, func(i, j int) bool { return records[i].ID < records[j].ID })
	fmt.Printf("  %-4s %-24s %-10s %s\n", "ID", "TYPE", "STATUS", "HOST")
	var snowflakeID string
	for _, r := range records {
		host := ""
		if t, ok := integrationtype.ByAPIName(r.Type); ok {
			host = t.HostKeyOf(r.Config)
		}
		fmt.Printf("  %-4s %-24s %-10s %s\n", r.ID, r.Type, r.Status, host)
		if r.Type == "Snowflake" {
			snowflakeID = r.ID
		}
	}
	if snowflakeID == "" {
		return errors.New("the quickstart configuration created no Snowflake integration")
	}

	step(fmt.Sprintf("Someone changes the Snowflake integration's warehouse in Immuta, behind %s's back (id %s)", cli.Product, snowflakeID))
	if err := srv.Emulator.PatchConfig(snowflakeID, map[string]any{"warehouse": "CHANGED_BY_HAND"}); err != nil {
		return err
	}

	step(tf + " plan -detailed-exitcode catches the drift (exit code 2 = changes)")
	err = d.terraform(ctx, "plan", "-detailed-exitcode", "-no-color", "-input=false")
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() == 2:
		fmt.Printf("  -> exit code 2: drift detected. `%s apply` would put the warehouse back.\n", tf)
	case err == nil:
		return errors.New("plan found no drift, but the warehouse was changed")
	default:
		return err
	}
	step(tf + " apply restores the declared configuration")
	if err := d.terraform(ctx, "apply", "-auto-approve", "-no-color", "-input=false"); err != nil {
		return err
	}
	if err := d.terraform(ctx, "plan", "-detailed-exitcode", "-no-color", "-input=false"); err != nil {
		return fmt.Errorf("plan after apply is not empty: %w", err)
	}
	fmt.Println("  -> exit code 0: Immuta matches the configuration again.")
	return nil
}

// terraform runs the CLI (Terraform or OpenTofu) in the working directory.
func (d *demo) terraform(ctx context.Context, args ...string) error {
	fmt.Printf("  $ %s %s\n", d.cli.Command(), strings.Join(args, " "))
	cmd := command(d.env, d.workDir, d.cli.Path, args...)
	cmd.Stdout = indent{os.Stdout}
	cmd.Stderr = indent{os.Stderr}
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		// Terraform and OpenTofu stop gracefully on SIGINT and keep the state consistent.
		_ = cmd.Process.Signal(os.Interrupt)
		if err := <-done; err != nil {
			return fmt.Errorf("interrupted: %w", err)
		}
		return errors.New("interrupted")
	}
}

func command(env []string, dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd
}

type indent struct{ w io.Writer }

func (i indent) Write(p []byte) (int, error) {
	lines := strings.SplitAfter(string(p), "\n")
	for _, l := range lines {
		if l == "" {
			continue
		}
		if _, err := io.WriteString(i.w, "    "+l); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// repoRoot is the nearest directory above the working directory that holds go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run the quickstart from inside the repository")
		}
		dir = parent
	}
}

func step(s string) { fmt.Printf("\n==> %s\n", s) }

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if e.IsDir() {
			if e.Name() == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		if !strings.HasSuffix(p, ".tf") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
