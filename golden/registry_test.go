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
	"github.com/cngen/cngen/golden/vss"
	"github.com/cngen/cngen/golden/w1"
)

// coder is what every generated struct and plain union offers.
type coder interface {
	Size() int
	AppendBinary(b []byte) ([]byte, error)
	UnmarshalBinary(b []byte) error
}

// codecs maps "pkg.Type" (examples/pkg.Type for an example) to a
// constructor.
var codecs = map[string]func() coder{
	"arrays.Point":                    func() coder { return new(arrays.Point) },
	"arrays.Shape":                    func() coder { return new(arrays.Shape) },
	"cunion.Ipv4":                     func() coder { return new(cunion.Ipv4) },
	"cunion.Ipv6":                     func() coder { return new(cunion.Ipv6) },
	"cunion.Address":                  func() coder { return new(cunion.Address) },
	"cunion.Word":                     func() coder { return new(cunion.Word) },
	"cunion.Endpoint":                 func() coder { return new(cunion.Endpoint) },
	"dmlog.DmUlogRequest":             func() coder { return new(dmlog.DmUlogRequest) },
	"docs.Record":                     func() coder { return new(docs.Record) },
	"echo.PingReq":                    func() coder { return new(echo.PingReq) },
	"echo.PingReply":                  func() coder { return new(echo.PingReply) },
	"echo.Tick":                       func() coder { return new(echo.Tick) },
	"echo.Shutdown":                   func() coder { return new(echo.Shutdown) },
	"echo.LookupReq":                  func() coder { return new(echo.LookupReq) },
	"echo.LookupReply":                func() coder { return new(echo.LookupReply) },
	"enums.Settings":                  func() coder { return new(enums.Settings) },
	"glue.Item":                       func() coder { return new(glue.Item) },
	"glue.Word":                       func() coder { return new(glue.Word) },
	"kvp.HvKvpHdr":                    func() coder { return new(kvp.HvKvpHdr) },
	"kvp.HvKvpExchgMsgValue":          func() coder { return new(kvp.HvKvpExchgMsgValue) },
	"kvp.HvKvpMsgEnumerate":           func() coder { return new(kvp.HvKvpMsgEnumerate) },
	"kvp.HvKvpRegister":               func() coder { return new(kvp.HvKvpRegister) },
	"kvp.KvpBodyDelete":               func() coder { return new(kvp.KvpBodyDelete) },
	"kvp.HvKvpMsg":                    func() coder { return new(kvp.HvKvpMsg) },
	"packed.Tight":                    func() coder { return new(packed.Tight) },
	"packed.Either":                   func() coder { return new(packed.Either) },
	"packed.Holder":                   func() coder { return new(packed.Holder) },
	"packed.Mixed":                    func() coder { return new(packed.Mixed) },
	"scalars.Every":                   func() coder { return new(scalars.Every) },
	"scalars.Ordered":                 func() coder { return new(scalars.Ordered) },
	"shapes.Point":                    func() coder { return new(shapes.Point) },
	"shapes.Fixed":                    func() coder { return new(shapes.Fixed) },
	"shapes.Tight":                    func() coder { return new(shapes.Tight) },
	"shapes.Aligned":                  func() coder { return new(shapes.Aligned) },
	"shapes.NumOrPt":                  func() coder { return new(shapes.NumOrPt) },
	"shapes.Holder":                   func() coder { return new(shapes.Holder) },
	"shapes.BodyNum":                  func() coder { return new(shapes.BodyNum) },
	"shapes.Record":                   func() coder { return new(shapes.Record) },
	"shapes.Boxed":                    func() coder { return new(shapes.Boxed) },
	"shapes.Msg":                      func() coder { return new(shapes.Msg) },
	"shapes.Word":                     func() coder { return new(shapes.Word) },
	"shapes.Words":                    func() coder { return new(shapes.Words) },
	"shapes.Strs":                     func() coder { return new(shapes.Strs) },
	"shapes.OneStr":                   func() coder { return new(shapes.OneStr) },
	"shapes.Nested":                   func() coder { return new(shapes.Nested) },
	"shapes.Bytesrest":                func() coder { return new(shapes.Bytesrest) },
	"shapes.TaggedPair":               func() coder { return new(shapes.TaggedPair) },
	"shapes.Env":                      func() coder { return new(shapes.Env) },
	"switches.Key":                    func() coder { return new(switches.Key) },
	"switches.BodyNop":                func() coder { return new(switches.BodyNop) },
	"switches.BodySet":                func() coder { return new(switches.BodySet) },
	"switches.PayloadInfo":            func() coder { return new(switches.PayloadInfo) },
	"switches.Detail":                 func() coder { return new(switches.Detail) },
	"switches.Request":                func() coder { return new(switches.Request) },
	"switches.Notice":                 func() coder { return new(switches.Notice) },
	"uvesafb.V86Regs":                 func() coder { return new(uvesafb.V86Regs) },
	"uvesafb.UvesafbTask":             func() coder { return new(uvesafb.UvesafbTask) },
	"variable.Item":                   func() coder { return new(variable.Item) },
	"variable.Text":                   func() coder { return new(variable.Text) },
	"variable.Blob":                   func() coder { return new(variable.Blob) },
	"variable.List":                   func() coder { return new(variable.List) },
	"variable.Sized":                  func() coder { return new(variable.Sized) },
	"variable.Shared":                 func() coder { return new(variable.Shared) },
	"vss.HvVssHdr":                    func() coder { return new(vss.HvVssHdr) },
	"vss.HvVssCheckFeature":           func() coder { return new(vss.HvVssCheckFeature) },
	"vss.HvVssCheckDmInfo":            func() coder { return new(vss.HvVssCheckDmInfo) },
	"vss.VssHead":                     func() coder { return new(vss.VssHead) },
	"vss.VssBody":                     func() coder { return new(vss.VssBody) },
	"vss.HvVssMsg":                    func() coder { return new(vss.HvVssMsg) },
	"w1.W1NetlinkCmd":                 func() coder { return new(w1.W1NetlinkCmd) },
	"w1.W1NetlinkMsg":                 func() coder { return new(w1.W1NetlinkMsg) },
	"w1.W1Commands":                   func() coder { return new(w1.W1Commands) },
	"examples/echo.PingReq":           func() coder { return new(exampleecho.PingReq) },
	"examples/echo.PingReply":         func() coder { return new(exampleecho.PingReply) },
	"examples/echo.Tick":              func() coder { return new(exampleecho.Tick) },
	"examples/proc.ProcInput":         func() coder { return new(exampleproc.ProcInput) },
	"examples/proc.ForkProcEvent":     func() coder { return new(exampleproc.ForkProcEvent) },
	"examples/proc.ExecProcEvent":     func() coder { return new(exampleproc.ExecProcEvent) },
	"examples/proc.IDR":               func() coder { return new(exampleproc.IDR) },
	"examples/proc.IDE":               func() coder { return new(exampleproc.IDE) },
	"examples/proc.IDProcEvent":       func() coder { return new(exampleproc.IDProcEvent) },
	"examples/proc.SIDProcEvent":      func() coder { return new(exampleproc.SIDProcEvent) },
	"examples/proc.PtraceProcEvent":   func() coder { return new(exampleproc.PtraceProcEvent) },
	"examples/proc.CommProcEvent":     func() coder { return new(exampleproc.CommProcEvent) },
	"examples/proc.CoredumpProcEvent": func() coder { return new(exampleproc.CoredumpProcEvent) },
	"examples/proc.ExitProcEvent":     func() coder { return new(exampleproc.ExitProcEvent) },
	"examples/proc.EventDataNone":     func() coder { return new(exampleproc.EventDataNone) },
	"examples/proc.ProcEvent":         func() coder { return new(exampleproc.ProcEvent) },
}
