package syncer

import (
	"encoding/json"
	"errors"
	"strings"

	"otklik/app/connector"
	"otklik/app/connector/ok"
	"otklik/app/connector/telegram"
	"otklik/app/connector/vk"
	"otklik/data"
)

// DefaultDial makes the network's connector for acc. An OK token is stored
// as "ACCESS_TOKEN;APPLICATION_SECRET_KEY", since OK signs requests with
// both.
func DefaultDial(acc data.Account, token string, onChange func(data.Account)) (connector.Connector, error) {
	switch acc.Platform {
	case data.VK:
		return vk.New(acc, token, vk.Options{})
	case data.Telegram:
		return telegram.New(acc, token, telegram.Options{OnAccountChange: onChange})
	case data.OK:
		access, secret, found := strings.Cut(token, ";")
		if !found {
			return nil, errors.New("ok: the token must be ACCESS_TOKEN;SECRET_KEY")
		}
		return ok.New(acc, access, secret, nil)
	}
	return nil, ErrNoNetwork
}

func vkUserToken(acc data.Account) bool {
	var cfg vk.Config
	_ = json.Unmarshal([]byte(acc.Config), &cfg)
	return cfg.TokenKind == vk.UserToken
}
