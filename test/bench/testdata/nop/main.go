// Command nop is a Go program that does nothing: the bind benchmark
// times its start and exit, the least any client written in Go takes
// before its first packet.
package main

func main() {}
