package golden

// The registry of every generated type with codec methods, in the golden
// packages and the examples, for the fuzz and differential tests.
// TestCodecListComplete keeps it complete.

import (
	exampleecho "github.com/cngen/cngen/examples/echo"
	exampleproc "github.com/cngen/cngen/examples/proc"
	"github.com/cngen/cngen/golden/arrays"
	"github.com/cngen/cngen/golden/cunion"
	"github.com/cngen/cngen/golden/dmlog"
	"github.com/cngen/cngen/golden/docs"
	"github.com/cngen/cngen/golden/echo"
	"github.com/cngen/cngen/golden/enums"
	"github.com/cngen/cngen/golden/glue"
	"github.com/cngen/cngen/golden/kvp"
	"github.com/cngen/cngen/golden/packed"
	"github.com/cngen/cngen/golden/scalars"
	"github.com/cngen/cngen/golden/shapes"
	"github.com/cngen/cngen/golden/switches"
	"github.com/cngen/cngen/golden/uvesafb"
	"github.com/cngen/cngen/golden/variable"
	"github.com/cngen/cngen/golden/w1"
)

// codec is what every generated struct and plain union offers.
type codec interface {
	Size() int
	AppendBinary(b []byte) ([]byte, error)
	UnmarshalBinary(b []byte) error
}

// codecs maps "pkg.Type" (examples/pkg.Type for an example) to a
// constructor.
var codecs = map[string]func() codec{
	"arrays.Point":                    func() codec { return new(arrays.Point) },
	"arrays.Shape":                    func() codec { return new(arrays.Shape) },
	"cunion.Ipv4":                     func() codec { return new(cunion.Ipv4) },
	"cunion.Ipv6":                     func() codec { return new(cunion.Ipv6) },
	"cunion.Address":                  func() codec { return new(cunion.Address) },
	"cunion.Word":                     func() codec { return new(cunion.Word) },
	"cunion.Endpoint":                 func() codec { return new(cunion.Endpoint) },
	"dmlog.DmUlogRequest":             func() codec { return new(dmlog.DmUlogRequest) },
	"docs.Record":                     func() codec { return new(docs.Record) },
	"echo.PingReq":                    func() codec { return new(echo.PingReq) },
	"echo.PingReply":                  func() codec { return new(echo.PingReply) },
	"echo.Tick":                       func() codec { return new(echo.Tick) },
	"echo.Shutdown":                   func() codec { return new(echo.Shutdown) },
	"enums.Settings":                  func() codec { return new(enums.Settings) },
	"glue.Item":                       func() codec { return new(glue.Item) },
	"glue.Word":                       func() codec { return new(glue.Word) },
	"kvp.HvKvpHdr":                    func() codec { return new(kvp.HvKvpHdr) },
	"kvp.HvKvpExchgMsgValue":          func() codec { return new(kvp.HvKvpExchgMsgValue) },
	"kvp.HvKvpMsgEnumerate":           func() codec { return new(kvp.HvKvpMsgEnumerate) },
	"kvp.HvKvpRegister":               func() codec { return new(kvp.HvKvpRegister) },
	"kvp.KvpBodyDelete":               func() codec { return new(kvp.KvpBodyDelete) },
	"kvp.HvKvpMsg":                    func() codec { return new(kvp.HvKvpMsg) },
	"packed.Tight":                    func() codec { return new(packed.Tight) },
	"packed.Either":                   func() codec { return new(packed.Either) },
	"packed.Holder":                   func() codec { return new(packed.Holder) },
	"packed.Mixed":                    func() codec { return new(packed.Mixed) },
	"scalars.Every":                   func() codec { return new(scalars.Every) },
	"scalars.Ordered":                 func() codec { return new(scalars.Ordered) },
	"shapes.Point":                    func() codec { return new(shapes.Point) },
	"shapes.Fixed":                    func() codec { return new(shapes.Fixed) },
	"shapes.Tight":                    func() codec { return new(shapes.Tight) },
	"shapes.Aligned":                  func() codec { return new(shapes.Aligned) },
	"shapes.NumOrPt":                  func() codec { return new(shapes.NumOrPt) },
	"shapes.Holder":                   func() codec { return new(shapes.Holder) },
	"shapes.BodyNum":                  func() codec { return new(shapes.BodyNum) },
	"shapes.Record":                   func() codec { return new(shapes.Record) },
	"shapes.Boxed":                    func() codec { return new(shapes.Boxed) },
	"shapes.Msg":                      func() codec { return new(shapes.Msg) },
	"shapes.Word":                     func() codec { return new(shapes.Word) },
	"shapes.Words":                    func() codec { return new(shapes.Words) },
	"shapes.Strs":                     func() codec { return new(shapes.Strs) },
	"shapes.OneStr":                   func() codec { return new(shapes.OneStr) },
	"shapes.Nested":                   func() codec { return new(shapes.Nested) },
	"shapes.Bytesrest":                func() codec { return new(shapes.Bytesrest) },
	"shapes.TaggedPair":               func() codec { return new(shapes.TaggedPair) },
	"shapes.Env":                      func() codec { return new(shapes.Env) },
	"switches.Key":                    func() codec { return new(switches.Key) },
	"switches.BodyNop":                func() codec { return new(switches.BodyNop) },
	"switches.BodySet":                func() codec { return new(switches.BodySet) },
	"switches.PayloadInfo":            func() codec { return new(switches.PayloadInfo) },
	"switches.Detail":                 func() codec { return new(switches.Detail) },
	"switches.Request":                func() codec { return new(switches.Request) },
	"switches.Notice":                 func() codec { return new(switches.Notice) },
	"uvesafb.V86Regs":                 func() codec { return new(uvesafb.V86Regs) },
	"uvesafb.UvesafbTask":             func() codec { return new(uvesafb.UvesafbTask) },
	"variable.Item":                   func() codec { return new(variable.Item) },
	"variable.Text":                   func() codec { return new(variable.Text) },
	"variable.Blob":                   func() codec { return new(variable.Blob) },
	"variable.List":                   func() codec { return new(variable.List) },
	"variable.Sized":                  func() codec { return new(variable.Sized) },
	"variable.Shared":                 func() codec { return new(variable.Shared) },
	"w1.W1NetlinkCmd":                 func() codec { return new(w1.W1NetlinkCmd) },
	"w1.W1NetlinkMsg":                 func() codec { return new(w1.W1NetlinkMsg) },
	"w1.W1Commands":                   func() codec { return new(w1.W1Commands) },
	"examples/echo.PingReq":           func() codec { return new(exampleecho.PingReq) },
	"examples/echo.PingReply":         func() codec { return new(exampleecho.PingReply) },
	"examples/echo.Tick":              func() codec { return new(exampleecho.Tick) },
	"examples/proc.ProcInput":         func() codec { return new(exampleproc.ProcInput) },
	"examples/proc.ForkProcEvent":     func() codec { return new(exampleproc.ForkProcEvent) },
	"examples/proc.ExecProcEvent":     func() codec { return new(exampleproc.ExecProcEvent) },
	"examples/proc.IDR":               func() codec { return new(exampleproc.IDR) },
	"examples/proc.IDE":               func() codec { return new(exampleproc.IDE) },
	"examples/proc.IDProcEvent":       func() codec { return new(exampleproc.IDProcEvent) },
	"examples/proc.SIDProcEvent":      func() codec { return new(exampleproc.SIDProcEvent) },
	"examples/proc.PtraceProcEvent":   func() codec { return new(exampleproc.PtraceProcEvent) },
	"examples/proc.CommProcEvent":     func() codec { return new(exampleproc.CommProcEvent) },
	"examples/proc.CoredumpProcEvent": func() codec { return new(exampleproc.CoredumpProcEvent) },
	"examples/proc.ExitProcEvent":     func() codec { return new(exampleproc.ExitProcEvent) },
	"examples/proc.EventDataNone":     func() codec { return new(exampleproc.EventDataNone) },
	"examples/proc.ProcEvent":         func() codec { return new(exampleproc.ProcEvent) },
}
