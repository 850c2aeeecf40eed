import FuzzSupport

/// libFuzzer's entry point: one input, read as a request body, through the JSON reader, writer and both doors' decoders.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if let problem = WireJSONFuzzHarness.run(fuzzInput(data, size)) { reportProblem(problem) }
    return 0
}
