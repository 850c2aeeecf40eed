import Foundation
@testable import KeyCrypto
import Testing

/// `HeaderReader` fed in pieces gives exactly what one parse of the whole input gives,
/// and parses once per field it waits for, not once per piece.
@Suite struct HeaderReaderTests {
    /// Feeds `bytes` `piece` bytes at a time; the header and its length, or the error.
    static func feed(_ bytes: [UInt8], piece: Int) -> (result: Result<(MessageHeader, Int)?, EnvelopeError>, parses: Int) {
        var reader = HeaderReader()
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + piece)
            let chunk = Array(bytes[offset..<end])
            offset = end
            do {
                if let (header, rest) = try reader.append(chunk) { return (.success((header, offset - rest.count)), reader.parses) }
            } catch {
                return (.failure(error), reader.parses)
            }
        }
        return (.success(nil), reader.parses)
    }

    static func whole(_ bytes: [UInt8]) -> Result<(MessageHeader, Int)?, EnvelopeError> {
        Result { () throws(EnvelopeError) in try HeaderParser.parse(bytes, atEnd: false).map { ($0.header, $0.consumed) } }
    }

    static func same(_ a: Result<(MessageHeader, Int)?, EnvelopeError>, _ b: Result<(MessageHeader, Int)?, EnvelopeError>) -> Bool {
        switch (a, b) {
        case (.success(nil), .success(nil)): true
        case (.success(let x?), .success(let y?)): x.1 == y.1 && x.0.serialized == y.0.serialized
        case (.failure(let x), .failure(let y)): x == y
        default: false
        }
    }

    @Test func byteByByteGivesTheSameHeaderWithAParsePerField() throws {
        for message in try ParserRobustnessTests.messages() {
            let (header, consumed) = try #require(try HeaderParser.parse(message, atEnd: true))
            for piece in [1, 2, 3, 7, 64, consumed] {
                let (result, parses) = Self.feed(message, piece: piece)
                #expect(Self.same(result, .success((header, consumed))), "piece \(piece)")
                if piece == 1 {
                    // One parse per field boundary it had to wait for, far fewer than the header's bytes.
                    #expect(parses < 40, "\(parses) parses for a \(consumed)-byte header")
                }
            }
        }
    }

    @Test func damagedHeadersFailAtTheSamePlaceInPiecesAsWhole() throws {
        for message in try ParserRobustnessTests.messages() {
            let (_, consumed) = try #require(try HeaderParser.parse(message, atEnd: true))
            for position in stride(from: 0, to: consumed, by: 3) {
                for mask: UInt8 in [0x01, 0x80, 0xff] {
                    var damaged = Array(message[..<consumed])
                    damaged[position] ^= mask
                    let expected = Self.whole(damaged)
                    for piece in [1, 5] {
                        let (result, _) = Self.feed(damaged, piece: piece)
                        #expect(Self.same(result, expected), "byte \(position) ^ \(mask), piece \(piece)")
                    }
                }
            }
        }
    }

    /// Past the size limit the reader refuses, as the parser does, without waiting for the field to end.
    @Test func theSizeLimitHoldsWhileWaitingForAField() throws {
        let message = try #require(try ParserRobustnessTests.messages().first)
        // Version 2, suite 0x0478, message id, then an AAD length claiming 65,535 bytes.
        let start = Array(message[..<35]) + [0xff, 0xff]
        var reader = HeaderReader(limits: EnvelopeLimits(maxHeaderBytes: 1024))
        #expect(try reader.append(start).map { _ in true } == nil)
        var refused: EnvelopeError?
        for _ in 0..<2000 {
            do { _ = try reader.append([0x41]) } catch { refused = error; break }
        }
        #expect(refused == EnvelopeError(.headerTooLarge(limit: 1024)))
    }
}
