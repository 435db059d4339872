package app

import (
	"context"
	"fmt"
	"strings"

	"otklik/app/sla"
)

const settingRules = "sla.rules" // the deadline rules as edited in Настройки (JSON)

// loadRules reads the edited deadline rules, or the shipped defaults.
func (a *App) loadRules(ctx context.Context) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	raw, err := setting(ctx, db, settingRules)
	if err != nil {
		return err
	}
	rules := sla.DefaultRules()
	if raw != "" {
		r, err := sla.ParseRules(strings.NewReader(raw))
		if err != nil {
			return fmt.Errorf("deadline rules in the store: %w", err)
		}
		rules = r
	}
	a.rules.Store(&rules)
	return nil
}

// Rules returns the deadline rules in force.
func (a *App) Rules() sla.Rules { return *a.rules.Load() }

// recomputeDeadlines sets the deadlines of messages from the current rules,
// after their category changed.
func (a *App) recomputeDeadlines(ctx context.Context, ids []int64) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	rules := a.Rules()
	for _, id := range ids {
		m, err := db.Message(ctx, id)
		if err != nil {
			return err
		}
		if m.FromOffice {
			continue
		}
		first, answer := a.clock.Deadlines(rules, m.Platform, m.Category, m.CreatedAt)
		if err := db.SetDeadlines(ctx, id, first, answer); err != nil {
			return err
		}
	}
	return nil
}
