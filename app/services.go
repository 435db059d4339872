package app

import (
	"context"

	"otklik/app/notify"
	"otklik/assets"
)

// DesktopNotifier shows notifications through the system's own service
// (D-Bus on Linux, toasts on Windows) as «Отклик», with the app's icon.
func DesktopNotifier() notify.Notifier {
	icon, _ := assets.FS.ReadFile("icon.png")
	return notify.BeeepNotifier{AppName: "Отклик", Icon: icon}
}

// ServiceOptions configure the background work that runs beside the window.
type ServiceOptions struct {
	Notifier notify.Notifier // nil means DesktopNotifier
	Sync     SyncOptions
}

// StartServices starts what works in the background while the window is
// open: the store's check and daily backup, sync with the networks, and the
// calendar's due posts and alerts, and the broadcast panel's groups for
// the next broadcast. stop ends them and waits; Close also
// waits for the maintenance run.
func (a *App) StartServices(ctx context.Context, opts ServiceOptions) (stop func(), err error) {
	if opts.Notifier == nil {
		opts.Notifier = DesktopNotifier()
	}
	a.StartMaintenance(ctx)
	stopSync, err := a.StartSync(ctx, opts.Sync)
	if err != nil {
		return nil, err
	}
	stopBG, err := a.StartBackground(ctx, BackgroundOptions{Notifier: opts.Notifier})
	if err != nil {
		stopSync()
		return nil, err
	}
	stopWarm := a.StartPanelWarmer(ctx)
	return func() {
		stopWarm()
		stopBG()
		stopSync()
	}, nil
}
