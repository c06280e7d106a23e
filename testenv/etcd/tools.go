//go:build tools

// Package etcd only pins etcd's server module; scripts/testenv-install builds its main package.
package etcd

import _ "go.etcd.io/etcd/server/v3/etcdmain"
