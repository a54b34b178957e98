package cn

// GeneratedCodeVersion1 is the handshake between this package and code
// that cngen generates: every generated file says
//
//	const _ = cn.GeneratedCodeVersion1
//
// so that it builds only against a runtime that supports what it calls.
// When the API generated code relies on changes incompatibly, cngen
// starts generating a reference to GeneratedCodeVersion2, which only a
// runtime new enough defines ("undefined: cn.GeneratedCodeVersion2":
// update the module); a runtime that no longer supports version 1 drops
// this constant ("undefined: cn.GeneratedCodeVersion1": regenerate the
// code with a newer cngen).
const GeneratedCodeVersion1 = true
