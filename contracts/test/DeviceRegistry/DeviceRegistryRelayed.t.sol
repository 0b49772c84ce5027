// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {vm} from "../utils/Vm.sol";
import {OwnedWallet, RejectingWallet} from "../utils/Mocks.sol";
import {DeviceRegistryTestBase} from "./DeviceRegistryTestBase.sol";
import {DeviceRegistry} from "../../src/DeviceRegistry.sol";
import {IDeviceRegistry} from "../../src/interfaces/IDeviceRegistry.sol";

/// @notice Tests of the EIP-712 relayed functions: addDeviceFor, revokeDeviceFor, rotateKeyAgreementKeyFor.
contract DeviceRegistryRelayedTest is DeviceRegistryTestBase {
    uint256 internal deadline;

    function setUp() public override {
        super.setUp();
        deadline = block.timestamp + 1 hours;
    }

    function _expectInvalid(address account) internal {
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.InvalidSignature.selector, account));
    }

    function test_AddDeviceFor_EoaSignatureAddsAndConsumesNonce() public {
        bytes memory accountSig = _signAdd(aliceKey, alice, 1, 0, deadline);
        (bytes32 sk, bytes32 kak, bytes memory sig) = _device(1);
        vm.expectEmit(address(registry));
        emit IDeviceRegistry.DeviceAdded(alice, 1, sk, kak, SUITE, 1, sig);
        _relayAdd(alice, 1, deadline, accountSig);
        _assertActive(alice, 1, true);
        vm.assertEq(registry.nonces(alice), 1);
        vm.assertEq(registry.sequence(alice), 1);
    }

    function test_AddDeviceFor_AcceptsSignatureAtDeadline() public {
        bytes memory accountSig = _signAdd(aliceKey, alice, 1, 0, block.timestamp);
        _relayAdd(alice, 1, block.timestamp, accountSig);
        _assertActive(alice, 1, true);
    }

    function test_RevertWhen_AddDeviceForExpired() public {
        bytes memory accountSig = _signAdd(aliceKey, alice, 1, 0, deadline);
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.SignatureExpired.selector, deadline));
        _relayAdd(alice, 1, deadline, accountSig);
    }

    function test_RevertWhen_AddDeviceForSignedForAnotherChain() public {
        bytes memory accountSig = _sign(
            aliceKey,
            _domainSeparator(address(registry), block.chainid + 1),
            _addHash(alice, 1, SUITE, 0, deadline)
        );
        _expectInvalid(alice);
        _relayAdd(alice, 1, deadline, accountSig);
    }

    function test_RevertWhen_AddDeviceForAfterChainIdChanged() public {
        bytes memory accountSig = _signAdd(aliceKey, alice, 1, 0, deadline);
        vm.chainId(block.chainid + 1);
        _expectInvalid(alice);
        _relayAdd(alice, 1, deadline, accountSig);
    }

    function test_RevertWhen_AddDeviceForSignedForAnotherContract() public {
        DeviceRegistry other = new DeviceRegistry();
        bytes memory accountSig = _sign(
            aliceKey, _domainSeparator(address(other), block.chainid), _addHash(alice, 1, SUITE, 0, deadline)
        );
        _expectInvalid(alice);
        _relayAdd(alice, 1, deadline, accountSig);
    }

    function test_RevertWhen_AddDeviceForReusesNonce() public {
        bytes memory accountSig = _signAdd(aliceKey, alice, 1, 0, deadline);
        _relayAdd(alice, 1, deadline, accountSig);
        // The same signature for the next id is made with an old nonce.
        bytes memory stale = _signAdd(aliceKey, alice, 2, 0, deadline);
        _expectInvalid(alice);
        _relayAdd(alice, 2, deadline, stale);
    }

    function test_RevertWhen_AddDeviceForReplayed() public {
        bytes memory accountSig = _signAdd(aliceKey, alice, 1, 0, deadline);
        _relayAdd(alice, 1, deadline, accountSig);
        _expectInvalid(alice);
        _relayAdd(alice, 1, deadline, accountSig);
    }

    function test_RevertWhen_AddDeviceForNonceCancelled() public {
        bytes memory accountSig = _signAdd(aliceKey, alice, 1, 0, deadline);
        vm.prank(alice);
        registry.useNonce();
        _expectInvalid(alice);
        _relayAdd(alice, 1, deadline, accountSig);
    }

    function test_RevertWhen_AddDeviceForMalleableSignature() public {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(
            aliceKey,
            keccak256(
                abi.encodePacked(
                    "\x19\x01",
                    _domainSeparator(address(registry), block.chainid),
                    _addHash(alice, 1, SUITE, 0, deadline)
                )
            )
        );
        bytes memory highS =
            abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
        _expectInvalid(alice);
        _relayAdd(alice, 1, deadline, highS);
        // The canonical signature still works.
        _relayAdd(alice, 1, deadline, abi.encodePacked(r, s, v));
    }

    function test_RevertWhen_AddDeviceForSignedByAnotherKey() public {
        (uint256 malloryKey,) = _makeKey("mallory");
        bytes memory accountSig = _signAdd(malloryKey, alice, 1, 0, deadline);
        _expectInvalid(alice);
        _relayAdd(alice, 1, deadline, accountSig);
    }

    function test_RevertWhen_AddDeviceForDeviceSignatureSwapped() public {
        bytes memory accountSig = _signAdd(aliceKey, alice, 1, 0, deadline);
        (bytes32 sk, bytes32 kak,) = _device(1);
        _expectInvalid(alice);
        vm.prank(relayer);
        registry.addDeviceFor(alice, 1, sk, kak, SUITE, new bytes(64), deadline, accountSig);
    }

    function test_RevertWhen_AddDeviceForSuiteChanged() public {
        bytes memory accountSig = _signAdd(aliceKey, alice, 1, 0, deadline);
        (bytes32 sk, bytes32 kak, bytes memory sig) = _device(1);
        _expectInvalid(alice);
        vm.prank(relayer);
        registry.addDeviceFor(alice, 1, sk, kak, 2, sig, deadline, accountSig);
    }

    function test_AddDeviceFor_Erc1271WalletThatAccepts() public {
        OwnedWallet wallet = new OwnedWallet(alice);
        bytes memory accountSig = _signAdd(aliceKey, address(wallet), 1, 0, deadline);
        _relayAdd(address(wallet), 1, deadline, accountSig);
        _assertActive(address(wallet), 1, true);
        vm.assertEq(registry.nonces(address(wallet)), 1);
    }

    function test_RevertWhen_AddDeviceForErc1271WalletRejects() public {
        RejectingWallet wallet = new RejectingWallet();
        bytes memory accountSig = _signAdd(aliceKey, address(wallet), 1, 0, deadline);
        _expectInvalid(address(wallet));
        _relayAdd(address(wallet), 1, deadline, accountSig);
    }

    function test_RevertWhen_AddDeviceForErc1271WalletOwnerMismatch() public {
        (, address bob) = _makeKey("bob");
        OwnedWallet wallet = new OwnedWallet(bob);
        bytes memory accountSig = _signAdd(aliceKey, address(wallet), 1, 0, deadline);
        _expectInvalid(address(wallet));
        _relayAdd(address(wallet), 1, deadline, accountSig);
    }

    function testFuzz_RevertWhen_AddDeviceForGarbageSignature(bytes memory garbage) public {
        _expectInvalid(alice);
        _relayAdd(alice, 1, deadline, garbage);
    }

    function testFuzz_RevertWhen_AddDeviceForExpired(uint256 late) public {
        late = _bound(late, 1, 365 days);
        bytes memory accountSig = _signAdd(aliceKey, alice, 1, 0, deadline);
        vm.warp(deadline + late);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.SignatureExpired.selector, deadline));
        _relayAdd(alice, 1, deadline, accountSig);
    }

    function test_RevertWhen_AddDeviceForWrongIdStillValidates() public {
        bytes memory accountSig = _signAdd(aliceKey, alice, 2, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.UnexpectedDeviceId.selector, 1, 2));
        _relayAdd(alice, 2, deadline, accountSig);
    }

    function test_RevokeDeviceFor_RevokesAndConsumesNonce() public {
        _add(alice);
        bytes memory accountSig = _signRevoke(aliceKey, alice, 1, 0, deadline);
        vm.expectEmit(address(registry));
        emit IDeviceRegistry.DeviceRevoked(alice, 1, 2);
        vm.prank(relayer);
        registry.revokeDeviceFor(alice, 1, deadline, accountSig);
        _assertActive(alice, 1, false);
        vm.assertEq(registry.nonces(alice), 1);
    }

    function test_RevertWhen_RevokeDeviceForReplayed() public {
        _add(alice);
        _add(alice);
        bytes memory accountSig = _signRevoke(aliceKey, alice, 1, 0, deadline);
        vm.prank(relayer);
        registry.revokeDeviceFor(alice, 1, deadline, accountSig);
        _expectInvalid(alice);
        vm.prank(relayer);
        registry.revokeDeviceFor(alice, 1, deadline, accountSig);
    }

    function test_RevertWhen_RevokeDeviceForExpired() public {
        _add(alice);
        bytes memory accountSig = _signRevoke(aliceKey, alice, 1, 0, deadline);
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.SignatureExpired.selector, deadline));
        vm.prank(relayer);
        registry.revokeDeviceFor(alice, 1, deadline, accountSig);
    }

    function test_RevertWhen_RevokeDeviceForUnknownDevice() public {
        bytes memory accountSig = _signRevoke(aliceKey, alice, 1, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceNotActive.selector, alice, 1));
        vm.prank(relayer);
        registry.revokeDeviceFor(alice, 1, deadline, accountSig);
    }

    function test_RotateKeyAgreementKeyFor_Rotates() public {
        _add(alice);
        bytes32 newKak = keccak256("new");
        bytes memory deviceSig = new bytes(64);
        bytes memory accountSig = _signRotate(aliceKey, alice, 1, newKak, deviceSig, 0, deadline);
        vm.expectEmit(address(registry));
        emit IDeviceRegistry.KeyAgreementKeyRotated(alice, 1, newKak, 2, deviceSig);
        vm.prank(relayer);
        registry.rotateKeyAgreementKeyFor(alice, 1, newKak, deviceSig, deadline, accountSig);
        (, bytes32 kak,,) = registry.device(alice, 1);
        vm.assertEq(kak, newKak);
        vm.assertEq(registry.nonces(alice), 1);
    }

    function test_RevertWhen_RotateKeyAgreementKeyForOtherKey() public {
        _add(alice);
        bytes memory deviceSig = new bytes(64);
        bytes memory accountSig = _signRotate(aliceKey, alice, 1, keccak256("new"), deviceSig, 0, deadline);
        _expectInvalid(alice);
        vm.prank(relayer);
        registry.rotateKeyAgreementKeyFor(alice, 1, keccak256("other"), deviceSig, deadline, accountSig);
    }

    function test_RevertWhen_RotateKeyAgreementKeyForExpired() public {
        _add(alice);
        bytes memory deviceSig = new bytes(64);
        bytes memory accountSig = _signRotate(aliceKey, alice, 1, keccak256("new"), deviceSig, 0, deadline);
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.SignatureExpired.selector, deadline));
        vm.prank(relayer);
        registry.rotateKeyAgreementKeyFor(alice, 1, keccak256("new"), deviceSig, deadline, accountSig);
    }
}
