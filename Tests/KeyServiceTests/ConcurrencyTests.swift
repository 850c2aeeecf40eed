import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// Limits and invariants hold when requests arrive at the same time.
@Suite struct ConcurrencyTests {
    @Test func concurrentOnDemandRotationsRespectTheLimit() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        for _ in 0..<23 { _ = try await h.perform(RotateKeyOnDemand.self, .init(keyId: key)) }
        let outcomes = await withTaskGroup(of: KMSError.Code?.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    do {
                        _ = try await h.perform(RotateKeyOnDemand.self, .init(keyId: key))
                        return nil
                    } catch let error as KMSError {
                        return error.code
                    } catch {
                        return .internalError
                    }
                }
            }
            return await group.reduce(into: [KMSError.Code?]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 2)
        #expect(outcomes.filter { $0 == KMSError.Code.limitExceeded }.count == 6)
        #expect(try await h.rotations(key).count == 25)
        #expect(try h.store.load().versions.filter { $0.keyId == key }.count == 26)
    }

    @Test func concurrentCreatesAndEncryptionsAllLand() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let created = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<20 {
                group.addTask {
                    let blob = try await h.encrypt(key, utf8("message \(index)"))
                    #expect(try await h.decrypt(blob) == utf8("message \(index)"))
                    return try await h.createKey(description: "k\(index)")
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(created).count == 20)
        #expect(try await h.perform(ListKeys.self, .init()).keys.count == 21)
        #expect(try h.store.load().keys.count == 21)
    }

    @Test func concurrentAliasCreationHasOneWinner() async throws {
        let h = try await ServiceHarness.make()
        var keys: [String] = []
        for _ in 0..<6 { keys.append(try await h.createKey()) }
        let targets = keys
        let outcomes = await withTaskGroup(of: KMSError.Code?.self) { group in
            for target in targets {
                group.addTask {
                    do {
                        try await h.createAlias("alias/contested", target: target)
                        return nil
                    } catch let error as KMSError {
                        return error.code
                    } catch {
                        return .internalError
                    }
                }
            }
            return await group.reduce(into: [KMSError.Code?]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.filter { $0 == KMSError.Code.alreadyExists }.count == 5)
        #expect(try await h.aliases().count == 1)
    }
}
