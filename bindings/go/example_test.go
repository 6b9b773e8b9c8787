package ohsandbox_test

import (
	"context"
	"fmt"
	"log"

	"ohsandbox.example/ohsandbox"
)

// The README's Go example: a sandbox from the OpenHands environment
// variables, one command in it.
func Example() {
	ctx := context.Background()
	cfg, err := ohsandbox.ConfigFromEnv(nil) // SANDBOX_VOLUMES, SANDBOX_USER_ID, ...
	if err != nil {
		log.Fatal(err) // e.g. errors.Is(err, ohsandbox.ErrInvalid), message names the variable
	}
	client, err := ohsandbox.NewClient(nil) // DOCKER_HOST
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	s, err := client.NewSession(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close() // removes the sandbox
	res, err := s.Exec(ctx, []string{"ls", "/workspace"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s(exit %d)\n", res.Stdout, res.ExitCode)
}
