package notify

import (
	"sync"

	"github.com/gen2brain/beeep"
)

// BeeepNotifier shows notifications through the OS: D-Bus
// org.freedesktop.Notifications on Linux (falling back to notify-send), a
// toast on Windows, Notification Center on macOS.
type BeeepNotifier struct {
	// AppName is shown as the sender; on Windows it is also the toast's
	// AppID. Default «Отклик».
	AppName string
	// Icon is PNG data (from assets); when empty, IconPath is used.
	Icon []byte
	// IconPath is a PNG file or a stock icon name; "" for none.
	IconPath string
}

var _ Notifier = BeeepNotifier{}

// beeepMu guards beeep.AppName, a package variable read during each send.
var beeepMu sync.Mutex

// Notify sends one notification.
func (b BeeepNotifier) Notify(title, body string) error {
	name := b.AppName
	if name == "" {
		name = "Отклик"
	}
	// beeep takes a string or []byte and rejects anything else, nil included.
	var icon any = b.IconPath
	if len(b.Icon) > 0 {
		icon = b.Icon
	}
	beeepMu.Lock()
	defer beeepMu.Unlock()
	beeep.AppName = name
	return beeep.Notify(title, body, icon)
}
