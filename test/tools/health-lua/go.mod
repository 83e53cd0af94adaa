module redis-replication-webhook/test/tools/health-lua

go 1.24

require github.com/yuin/gopher-lua v1.1.2
