package cli

import (
	"flag"
	"fmt"
	"strconv"
	"time"
)

// flagSet is a flag.FlagSet whose defaults come from PARLEY_* environment variables, so every
// setting can be given as a flag or in the environment (the flag wins).
type flagSet struct {
	*flag.FlagSet
	env *Env
	err error
}

func newFlagSet(name string, env *Env) *flagSet {
	fs := flag.NewFlagSet("parley "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return &flagSet{FlagSet: fs, env: env}
}

// usageLine documents a flag with its environment variable.
func usageLine(envVar, usage string) string { return usage + " (env " + envVar + ")" }

func (f *flagSet) stringVar(p *string, name, envVar, def, usage string) {
	if v := f.env.Getenv(envVar); v != "" {
		def = v
	}
	f.StringVar(p, name, def, usageLine(envVar, usage))
}

func (f *flagSet) uint64Var(p *uint64, name, envVar string, def uint64, usage string) {
	if v := f.env.Getenv(envVar); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			f.err = fmt.Errorf("%s=%q: %w", envVar, v, err)
		}
		def = n
	}
	f.Uint64Var(p, name, def, usageLine(envVar, usage))
}

func (f *flagSet) durationVar(p *time.Duration, name, envVar string, def time.Duration, usage string) {
	if v := f.env.Getenv(envVar); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			f.err = fmt.Errorf("%s=%q: %w", envVar, v, err)
		}
		def = d
	}
	f.DurationVar(p, name, def, usageLine(envVar, usage))
}

// parse parses args, reporting a bad environment value before any flag error.
func (f *flagSet) parse(args []string) error {
	if f.err != nil {
		return f.err
	}
	if err := f.Parse(args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		fmt.Fprintf(f.Output(), "unexpected arguments: %v\n", f.Args())
		f.Usage()
		return errUsage
	}
	return nil
}
