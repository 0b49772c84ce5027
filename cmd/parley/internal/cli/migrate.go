package cli

import (
	"context"
	"fmt"

	"github.com/parleychat/parley/internal/store"
)

func runMigrate(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet("migrate", env)
	var dbURL string
	fs.stringVar(&dbURL, "database-url", store.EnvDatabaseURL, "", "Postgres connection URL")
	if err := fs.parse(args); err != nil {
		return err
	}
	pool, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	version, err := store.Migrate(ctx, pool)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	env.Log.Info("database migrated", "component", "store", "version", version)
	return nil
}
