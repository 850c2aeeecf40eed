import ArgumentParser
import Client
import Foundation

/// `kms keys …`: key lifecycle.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create and manage KMS keys.",
        subcommands: [
            Create.self, List.self, Describe.self, UpdateDescription.self, Enable.self, Disable.self, Rotate.self,
            Rotation.self, Rotations.self, ScheduleDeletion.self, CancelDeletion.self, TagKey.self, UntagKey.self, Tags.self,
            KeyPolicyCommand.self, Import.self, DeleteMaterial.self, PublicKey.self,
        ])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key: symmetric AES-256-GCM by default; RSA, ECC and HMAC with --key-spec.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Description.") var description: String?
        @Option(name: .customLong("tag"), help: "A tag key=value (repeatable).") var tags: [String] = []
        @Option(help: "SYMMETRIC_DEFAULT, RSA_2048/3072/4096, ECC_NIST_P256/P384/P521, ECC_NIST_EDWARDS25519, HMAC_224/256/384/512.")
        var keySpec: String?
        @Option(help: "ENCRYPT_DECRYPT, SIGN_VERIFY or GENERATE_VERIFY_MAC (default: the spec's first).") var keyUsage: String?
        @Option(help: "AWS_KMS (default) or EXTERNAL: no material until `kms keys import`.") var origin: String?
        func run() async throws {
            let tagPairs = try parsePairs(tags, option: "--tag")
            try await runClient {
                try await options.makeClient().createKey(
                    description: description, tags: tagPairs, keySpec: keySpec, keyUsage: keyUsage, origin: origin
                ).emit(options.output)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (all pages unless --limit is given).")
        @OptionGroup var options: ClientOptions
        @Option(help: "At most this many keys (one page).") var limit: Int?
        @Option(help: "Continue after this marker.") var marker: String?
        func run() async throws {
            try await runClient {
                let client = try options.makeClient()
                var keys: [KeyListEntry]
                var next: String?
                if limit != nil || marker != nil {
                    let page = try await client.listKeys(limit: limit, marker: marker)
                    (keys, next) = (page.items, page.nextMarker)
                } else {
                    keys = try await client.allKeys()
                }
                var json: [String: Any] = ["keys": keys.map { ["keyId": $0.keyId, "keyArn": $0.keyArn] }]
                if let next { json["nextMarker"] = next }
                emit(options.output, json: json, headers: ["KEY ID", "ARN"], rows: keys.map { [$0.keyId, $0.keyArn] })
                if let next, options.output == .table { Terminal.printError("more keys: --marker \(next)") }
            }
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a key's metadata (id, ARN or alias).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Key id, key ARN, alias name or alias ARN.") var key: String
        func run() async throws {
            try await runClient { try await options.makeClient().describeKey(key).emit(options.output) }
        }
    }

    struct UpdateDescription: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a key's description.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Key id or ARN.") var key: String
        @Argument(help: "The new description.") var description: String
        func run() async throws {
            try await runClient {
                try await options.makeClient().updateKeyDescription(key, description: description)
                acknowledge(options.output, ["keyId": key, "description": description])
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a key.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Key id or ARN.") var key: String
        func run() async throws {
            try await runClient {
                try await options.makeClient().enableKey(key)
                acknowledge(options.output, ["keyId": key, "enabled": true])
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a key (refuses all cryptographic use).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Key id or ARN.") var key: String
        func run() async throws {
            try await runClient {
                try await options.makeClient().disableKey(key)
                acknowledge(options.output, ["keyId": key, "enabled": false])
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rotate a key now (adds a version; old versions keep decrypting).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Key id or ARN.") var key: String
        func run() async throws {
            try await runClient {
                try await options.makeClient().rotateKey(key)
                acknowledge(options.output, ["keyId": key, "rotated": true])
            }
        }
    }

    struct Rotation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show, enable or disable automatic rotation.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Key id or ARN.") var key: String
        @Flag(help: "Turn automatic rotation on.") var enable = false
        @Flag(help: "Turn automatic rotation off.") var disable = false
        @Option(help: "Rotation period in days (90–2560, default 365), with --enable.") var periodDays: Int?
        func validate() throws {
            if enable && disable { throw ValidationError("--enable and --disable exclude each other") }
            if periodDays != nil && !enable { throw ValidationError("--period-days goes with --enable") }
        }
        func run() async throws {
            try await runClient {
                let client = try options.makeClient()
                if enable { try await client.enableKeyRotation(key, periodInDays: periodDays) }
                if disable { try await client.disableKeyRotation(key) }
                let status = try await client.keyRotationStatus(key)
                var json: [String: Any] = ["keyRotationEnabled": status.keyRotationEnabled, "keyId": status.keyId]
                var rows = [["KeyId", status.keyId], ["Enabled", String(status.keyRotationEnabled)]]
                if let period = status.rotationPeriodInDays { json["rotationPeriodInDays"] = period; rows.append(["PeriodDays", String(period)]) }
                if let next = status.nextRotationDate { json["nextRotationDate"] = next; rows.append(["NextRotation", next]) }
                emitPairs(options.output, json: json, rows: rows)
            }
        }
    }

    struct Rotations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a key's rotations.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Key id or ARN.") var key: String
        func run() async throws {
            try await runClient {
                let client = try options.makeClient()
                var all: [RotationEntry] = []
                var marker: String?
                repeat {
                    let page = try await client.listKeyRotations(key, marker: marker)
                    all += page.items
                    marker = page.nextMarker
                } while marker != nil
                emit(options.output, json: ["rotations": all.map { ["keyId": $0.keyId, "rotationDate": $0.rotationDate, "rotationType": $0.rotationType] }],
                     headers: ["DATE", "TYPE"], rows: all.map { [$0.rotationDate, $0.rotationType] })
            }
        }
    }

    struct ScheduleDeletion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Schedule a key's destruction after 7–30 days.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Key id or ARN.") var key: String
        @Option(help: "Waiting period in days (7–30, default 30).") var days: Int?
        func run() async throws {
            try await runClient {
                let schedule = try await options.makeClient().scheduleKeyDeletion(key, pendingWindowInDays: days)
                emitPairs(options.output,
                          json: ["keyId": schedule.keyId, "deletionDate": schedule.deletionDate, "keyState": schedule.keyState,
                                 "pendingWindowInDays": schedule.pendingWindowInDays],
                          rows: [["KeyId", schedule.keyId], ["State", schedule.keyState], ["DeletionDate", schedule.deletionDate]])
            }
        }
    }

    struct CancelDeletion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a scheduled deletion (the key becomes Disabled).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Key id or ARN.") var key: String
        func run() async throws {
            try await runClient {
                try await options.makeClient().cancelKeyDeletion(key)
                acknowledge(options.output, ["keyId": key, "deletionCancelled": true])
            }
        }
    }

    struct TagKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "tag", abstract: "Add or replace tags: kms keys tag KEY k=v ...")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Key id or ARN.") var key: String
        @Argument(help: "Tags as key=value.") var tags: [String]
        func run() async throws {
            let pairs = try parsePairs(tags, option: "tag")
            try await runClient {
                try await options.makeClient().tagKey(key, tags: pairs)
                acknowledge(options.output, ["keyId": key, "tagged": pairs.keys.sorted()])
            }
        }
    }

    struct UntagKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "untag", abstract: "Remove tags by key: kms keys untag KEY k ...")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Key id or ARN.") var key: String
        @Argument(help: "Tag keys.") var tagKeys: [String]
        func run() async throws {
            try await runClient {
                try await options.makeClient().untagKey(key, tagKeys: tagKeys)
                acknowledge(options.output, ["keyId": key, "untagged": tagKeys])
            }
        }
    }

    struct Tags: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a key's tags.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Key id or ARN.") var key: String
        func run() async throws {
            try await runClient {
                let tags = try await options.makeClient().listTags(key).items
                emit(options.output, json: ["tags": tags.map { ["tagKey": $0.key, "tagValue": $0.value] }],
                     headers: ["KEY", "VALUE"], rows: tags.map { [$0.key, $0.value] })
            }
        }
    }
}
