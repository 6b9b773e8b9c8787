// Command ohsandbox-create-body prints the engine create body that the
// process environment gives, through the Go binding (used by the parity
// checks of tests/downstream.sh).
package main

import (
	"fmt"
	"os"

	"ohsandbox.example/ohsandbox"
)

func main() {
	cfg, err := ohsandbox.ConfigFromEnv(nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ohsandbox-create-body:", err)
		os.Exit(2)
	}
	defer cfg.Close()
	body, err := cfg.CreateBody()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ohsandbox-create-body:", err)
		os.Exit(2)
	}
	fmt.Println(body)
}
