package client

import "time"

// writeTimeout bounds one socket write.
const writeTimeout = 10 * time.Second

func deadline() time.Time { return time.Now().Add(writeTimeout) }
