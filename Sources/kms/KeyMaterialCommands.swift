import ArgumentParser
import Client
import Foundation
import KeyCrypto

/// `kms keys import`, `kms keys delete-material`, `kms keys public-key`.
extension KeysCommand {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import key material into an EXTERNAL key: fetch a wrapping key, wrap locally, import.",
            discussion: """
                The material file holds 32 raw bytes for a SYMMETRIC_DEFAULT key, the raw HMAC key for HMAC \
                specs, or a DER PKCS#8 private key for RSA and ECC specs. It is wrapped in this process with \
                the one-time RSA public key the service hands out (RSA-OAEP, and AES key wrap for \
                RSA_AES_KEY_WRAP_*) and never leaves it unwrapped. docs/byok.md shows the same with openssl.
                """)
        @OptionGroup var options: ClientOptions
        @Option(help: "Key id or ARN of a key created with --origin EXTERNAL.") var key: String
        @Option(help: "File holding the key material (see above).") var material: String
        @Option(help: "When the material expires: YYYY-MM-DD or an RFC 3339 time, at most 365 days ahead (default: never).")
        var expires: String?
        @Option(help: "RSA_AES_KEY_WRAP_SHA_256 (default), RSA_AES_KEY_WRAP_SHA_1, RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1.")
        var wrappingAlgorithm: String = ImportWrappingAlgorithm.rsaAesKeyWrapSha256.rawValue
        @Option(help: "RSA_4096 (default), RSA_3072 or RSA_2048.") var wrappingKeySpec: String = "RSA_4096"

        func run() async throws {
            guard let algorithm = ImportWrappingAlgorithm(rawValue: wrappingAlgorithm) else {
                throw ValidationError("--wrapping-algorithm is one of \(ImportWrappingAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let validTo = try expires.map(parseDate)
            var bytes = try readInput(material)
            let secret = SecureBytes(copying: bytes)
            secureZero(&bytes)
            try await runClient {
                let client = try options.makeClient()
                do {
                    try await client.importKeyMaterial(
                        keyId: key, material: secret, validTo: validTo, algorithm: algorithm, wrappingKeySpec: wrappingKeySpec)
                } catch let error as CryptoError where error.kind == .invalidArgument && wrappingAlgorithm.hasPrefix("RSAES_OAEP") {
                    // Wrapping failed here, before anything was sent: the material is larger than one RSA-OAEP block.
                    throw ValidationError("the material (\(secret.count) bytes) does not fit one \(wrappingAlgorithm) block of a \(wrappingKeySpec) wrapping key; private keys need --wrapping-algorithm RSA_AES_KEY_WRAP_SHA_256 (or _SHA_1)")
                }
                try await client.describeKey(key).emit(options.output)
            }
        }

        /// `YYYY-MM-DD` (midnight UTC) or an RFC 3339 time.
        func parseDate(_ text: String) throws -> Date {
            let full = ISO8601DateFormatter()
            let day = ISO8601DateFormatter()
            day.formatOptions = [.withFullDate]
            guard let date = full.date(from: text) ?? day.date(from: text) else {
                throw ValidationError("--expires takes YYYY-MM-DD or an RFC 3339 time, got '\(text)'")
            }
            return date
        }
    }

    struct DeleteMaterial: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an EXTERNAL key's imported material now (the key goes to PendingImport).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Key id or ARN.") var key: String
        func run() async throws {
            try await runClient {
                try await options.makeClient().deleteImportedKeyMaterial(keyId: key)
                acknowledge(options.output, ["keyId": key, "materialDeleted": true])
            }
        }
    }

    struct PublicKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "public-key", abstract: "Print an asymmetric key's public key as PEM (for openssl or `kms verify --public-key`).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Key id, key ARN, alias name or alias ARN.") var key: String
        func run() async throws {
            try await runClient {
                let info = try await connection.makeClient().getPublicKey(keyId: key)
                Terminal.writeText(try AsymmetricPublicKey(spki: info.publicKey).pemRepresentation())
            }
        }
    }
}

extension Terminal {
    static func writeText(_ text: String) {
        var copy = text
        copy.withUTF8 { writeStdout(UnsafeRawBufferPointer($0)) }
    }
}
