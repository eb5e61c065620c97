// Command compose-check loads a compose file the way `docker compose config` does, with the same
// library (compose-go, the version pinned in go.mod), and prints the resolved project as YAML.
//
// Why: there is no Docker engine or compose plugin on the development machines, so the compose file
// would otherwise never be read by anything but people. compose-go is the code behind
// `docker compose config`: project options from the file path and the environment (the process
// environment, then a .env beside the file), interpolation of ${VAR:-default}, validation against
// the compose JSON schema (an unknown key fails), normalization, the consistency checks (a
// depends_on naming no service, an undeclared volume…), and each service's environment resolved.
// It does not build images or start anything.
//
// Usage: compose-check <compose file>. Exit 0 with the project's YAML on stdout; exit 1 with
// compose-go's error on stderr. A .env beside the file is read, as compose reads it.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check <compose file>")
		os.Exit(2)
	}
	out, err := resolve(context.Background(), os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "compose-check: %v\n", err)
		os.Exit(1)
	}
	if _, err := os.Stdout.Write(out); err != nil {
		fmt.Fprintf(os.Stderr, "compose-check: %v\n", err)
		os.Exit(1)
	}
}

// resolve mirrors docker compose's ProjectOptions.ToProject (cmd/compose/compose.go) and runConfig
// (cmd/compose/config.go) with their defaults: no --env-file, no profiles, no project name flag.
func resolve(ctx context.Context, file string) ([]byte, error) {
	path, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	pwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	options, err := cli.NewProjectOptions([]string{path},
		cli.WithWorkingDirectory(filepath.Dir(path)),
		cli.WithOsEnv,
		cli.WithEnv([]string{"PWD=" + pwd}),
		cli.WithEnvFiles(),
		cli.WithDotEnv,
		cli.WithConfigFileEnv,
		cli.WithDefaultConfigPath,
		cli.WithDefaultProfiles(),
		cli.WithInterpolation(true),
		cli.WithResolvedPaths(true),
		cli.WithNormalization(true),
		cli.WithConsistency(true),
	)
	if err != nil {
		return nil, err
	}
	project, err := options.LoadProject(ctx)
	if err != nil {
		return nil, err
	}
	project, err = project.WithServicesEnvironmentResolved(true)
	if err != nil {
		return nil, err
	}
	return project.MarshalYAML()
}
