/// Checks a framed body's structure and finds where it ends and the footer
/// begins, without any key, by walking the frame records (for rewrapping, whose
/// body is copied unchanged). Checks: sequence numbers consecutive from 1, exactly
/// one final frame whose length is at most the frame length, then nothing but the
/// signature footer (signed suites) or nothing at all. Frame tags are not checked:
/// that would mean decrypting the body.
///
/// Push bytes with `scan`: it returns how many of them belong to the body; the
/// rest are taken as the footer. `finish` returns the footer's signature.
public struct BodyScanner {
    private enum State { case recordStart, finalHeader, skipping, footerLength, footer, done }

    private let frameLength: Int
    private let signed: Bool
    private var state = State.recordStart
    private var header: [UInt8] = []
    private var skip = 0
    private var afterSkip = State.recordStart
    private var footerLength = 0
    private var nextSequence: UInt32 = 1
    private var signature: [UInt8] = []

    public init(frameLength: UInt32, signed: Bool) {
        self.frameLength = Int(frameLength)
        self.signed = signed
    }

    /// Consumes `bytes`; returns the count at their start that belongs to the body.
    public mutating func scan(_ bytes: UnsafeRawBufferPointer) throws(EnvelopeError) -> Int {
        var offset = 0
        var bodyEnd = 0
        while offset < bytes.count {
            let inBody = state == .recordStart || state == .finalHeader || state == .skipping
            defer { if inBody { bodyEnd = offset } }
            switch state {
            case .recordStart, .finalHeader:
                let need = (state == .recordStart ? 4 : 24) - header.count
                let take = min(need, bytes.count - offset)
                header += bytes[offset..<offset + take]
                offset += take
                guard header.count == (state == .recordStart ? 4 : 24) else { break }
                if state == .recordStart {
                    if header == [0xff, 0xff, 0xff, 0xff] {
                        state = .finalHeader
                        continue
                    }
                    try checkSequence(Self.u32(header[0..<4]))
                    skip = frameLength + 12 + 16
                    afterSkip = .recordStart
                } else {
                    try checkSequence(Self.u32(header[4..<8]))
                    let length = Int(Self.u32(header[20..<24]))
                    guard length <= frameLength else {
                        throw EnvelopeError(.finalFrameTooLong(length: UInt32(length), frameLength: UInt32(frameLength)))
                    }
                    skip = length + 16
                    afterSkip = signed ? .footerLength : .done
                }
                header = []
                state = .skipping
            case .skipping:
                let take = min(skip, bytes.count - offset)
                skip -= take
                offset += take
                if skip == 0 { state = afterSkip }
            case .footerLength:
                header.append(bytes[offset])
                offset += 1
                if header.count == 2 {
                    footerLength = Int(header[0]) << 8 | Int(header[1])
                    header = []
                    state = footerLength == 0 ? .done : .footer
                }
            case .footer:
                let take = min(footerLength - signature.count, bytes.count - offset)
                signature += bytes[offset..<offset + take]
                offset += take
                if signature.count == footerLength { state = .done }
            case .done:
                throw EnvelopeError(.trailingData)
            }
        }
        return bodyEnd
    }

    private mutating func checkSequence(_ sequence: UInt32) throws(EnvelopeError) {
        guard sequence == nextSequence else { throw EnvelopeError(.sequenceOutOfOrder(expected: nextSequence, found: sequence)) }
        guard nextSequence != 0xffff_ffff else { throw EnvelopeError(.tooManyFrames) }
        nextSequence += 1
    }

    private static func u32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    /// The footer's signature (empty for unsigned suites); throws if the message ended early.
    public func finish() throws(EnvelopeError) -> [UInt8] {
        switch state {
        case .done: return signature
        case .footerLength, .footer: throw EnvelopeError(.truncated(field: "footer"))
        default: throw EnvelopeError(.missingFinalFrame)
        }
    }
}
