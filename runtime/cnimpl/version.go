package cnimpl

// GeneratedCodeVersion2 is the handshake between the runtime and code
// that cngen generates: every generated file says
//
//	const _ = cnimpl.GeneratedCodeVersion2
//
// so that it builds only against a runtime that supports what it calls.
// When the API generated code relies on changes incompatibly, cngen
// starts generating a reference to GeneratedCodeVersion3, which only a
// runtime new enough defines ("undefined: cnimpl.GeneratedCodeVersion3":
// update the module); a runtime that no longer supports version 2 drops
// this constant ("undefined: cnimpl.GeneratedCodeVersion2": regenerate
// the code with a newer cngen). Version 1 was runtime/cn's
// GeneratedCodeVersion1, before these helpers moved here.
const GeneratedCodeVersion2 = true
