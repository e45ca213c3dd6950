//go:build !linux

package platform

// Up returns ErrUnsupported outside Linux.
func (c *Configurator) Up(ifname string) error { return ErrUnsupported }

// Apply returns ErrUnsupported outside Linux.
func (c *Configurator) Apply(ifname string, b Binding) error { return ErrUnsupported }

// Remove returns ErrUnsupported outside Linux.
func (c *Configurator) Remove(ifname string, b Binding) error { return ErrUnsupported }
