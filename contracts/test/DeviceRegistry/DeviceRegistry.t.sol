// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {vm} from "../utils/Vm.sol";
import {DeviceRegistryTestBase} from "./DeviceRegistryTestBase.sol";
import {IDeviceRegistry} from "../../src/interfaces/IDeviceRegistry.sol";

/// @notice Unit and fuzz tests of the direct (wallet-sent) DeviceRegistry functions and the views.
contract DeviceRegistryTest is DeviceRegistryTestBase {
    function test_AddDevice_StoresKeysAndEmits() public {
        (bytes32 sk, bytes32 kak, bytes memory sig) = _device(1);
        vm.expectEmit(address(registry));
        emit IDeviceRegistry.DeviceAdded(alice, 1, sk, kak, SUITE, 1, sig);
        vm.prank(alice);
        registry.addDevice(1, sk, kak, SUITE, sig);

        (bytes32 gotSk, bytes32 gotKak, uint8 suite, bool active) = registry.device(alice, 1);
        vm.assertEq(gotSk, sk);
        vm.assertEq(gotKak, kak);
        vm.assertEq(suite, SUITE);
        vm.assertTrue(active);
        vm.assertEq(registry.nextDeviceId(alice), 2);
        vm.assertEq(registry.activeDeviceCount(alice), 1);
        vm.assertEq(registry.sequence(alice), 1);
        vm.assertEq(registry.nonces(alice), 0);
    }

    function test_AddDevice_IdsAreSequentialPerAccount() public {
        (, address bob) = _makeKey("bob");
        vm.assertEq(_add(alice), 1);
        vm.assertEq(_add(alice), 2);
        vm.assertEq(_add(bob), 1);
        vm.assertEq(registry.nextDeviceId(alice), 3);
        vm.assertEq(registry.sequence(bob), 1);
    }

    function test_AddDevice_StoresNonDefaultSuite() public {
        (bytes32 sk, bytes32 kak, bytes memory sig) = _device(1);
        vm.prank(alice);
        registry.addDevice(1, sk, kak, 2, sig);
        (,, uint8 suite,) = registry.device(alice, 1);
        vm.assertEq(suite, 2);
    }

    function test_RevertWhen_AddDeviceWithWrongId() public {
        _add(alice);
        uint32[3] memory bad = [uint32(0), 1, 3];
        for (uint256 i; i < bad.length; ++i) {
            (bytes32 sk, bytes32 kak, bytes memory sig) = _device(bad[i]);
            vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.UnexpectedDeviceId.selector, 2, bad[i]));
            vm.prank(alice);
            registry.addDevice(bad[i], sk, kak, SUITE, sig);
        }
    }

    function test_RevertWhen_AddDeviceWithZeroSigningKey() public {
        (, bytes32 kak, bytes memory sig) = _device(1);
        vm.expectRevert(IDeviceRegistry.ZeroKey.selector);
        vm.prank(alice);
        registry.addDevice(1, 0, kak, SUITE, sig);
    }

    function test_RevertWhen_AddDeviceWithZeroKeyAgreementKey() public {
        (bytes32 sk,, bytes memory sig) = _device(1);
        vm.expectRevert(IDeviceRegistry.ZeroKey.selector);
        vm.prank(alice);
        registry.addDevice(1, sk, 0, SUITE, sig);
    }

    function testFuzz_RevertWhen_AddDeviceWithUnknownSuite(uint8 suite) public {
        vm.assume(suite != 1 && suite != 2);
        (bytes32 sk, bytes32 kak, bytes memory sig) = _device(1);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.UnsupportedSuite.selector, suite));
        vm.prank(alice);
        registry.addDevice(1, sk, kak, suite, sig);
    }

    function testFuzz_RevertWhen_AddDeviceWithBadSignatureLength(uint256 length) public {
        length = _bound(length, 0, 200);
        vm.assume(length != 64);
        (bytes32 sk, bytes32 kak,) = _device(1);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.InvalidDeviceSignatureLength.selector, length));
        vm.prank(alice);
        registry.addDevice(1, sk, kak, SUITE, new bytes(length));
    }

    function testFuzz_RevertWhen_AddDeviceWithWrongId(uint32 id) public {
        vm.assume(id != 1);
        (bytes32 sk, bytes32 kak, bytes memory sig) = _device(1);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.UnexpectedDeviceId.selector, 1, id));
        vm.prank(alice);
        registry.addDevice(id, sk, kak, SUITE, sig);
    }

    function testFuzz_AddDevice_StoresAnyNonZeroKeys(bytes32 sk, bytes32 kak, bool xwing) public {
        vm.assume(sk != 0 && kak != 0);
        uint8 suite = xwing ? 2 : 1;
        vm.prank(alice);
        registry.addDevice(1, sk, kak, suite, new bytes(64));
        (bytes32 gotSk, bytes32 gotKak, uint8 gotSuite, bool active) = registry.device(alice, 1);
        vm.assertEq(gotSk, sk);
        vm.assertEq(gotKak, kak);
        vm.assertEq(gotSuite, suite);
        vm.assertTrue(active);
    }

    function test_RevertWhen_AddDeviceBeyondCap() public {
        uint32 max = registry.MAX_ACTIVE_DEVICES();
        for (uint256 i; i < max; ++i) {
            _add(alice);
        }
        (bytes32 sk, bytes32 kak, bytes memory sig) = _device(max + 1);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.TooManyActiveDevices.selector, max));
        vm.prank(alice);
        registry.addDevice(max + 1, sk, kak, SUITE, sig);

        // Revocation frees a slot.
        vm.prank(alice);
        registry.revokeDevice(7);
        vm.assertEq(_add(alice), max + 1);
        vm.assertEq(registry.activeDeviceCount(alice), max);
    }

    function test_RevokeDevice_ClearsKeyAgreementKeyKeepsSigningKey() public {
        _add(alice);
        _add(alice);
        vm.expectEmit(address(registry));
        emit IDeviceRegistry.DeviceRevoked(alice, 1, 3);
        vm.prank(alice);
        registry.revokeDevice(1);

        (bytes32 sk,,) = _device(1);
        (bytes32 gotSk, bytes32 gotKak, uint8 suite, bool active) = registry.device(alice, 1);
        vm.assertEq(gotSk, sk);
        vm.assertEq(gotKak, bytes32(0));
        vm.assertEq(suite, SUITE);
        vm.assertFalse(active);
        vm.assertEq(registry.activeDeviceCount(alice), 1);
        vm.assertEq(registry.nextDeviceId(alice), 3);
    }

    function test_RevertWhen_RevokeDeviceTwice() public {
        _add(alice);
        vm.prank(alice);
        registry.revokeDevice(1);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceNotActive.selector, alice, 1));
        vm.prank(alice);
        registry.revokeDevice(1);
    }

    function testFuzz_RevertWhen_RevokeUnknownDevice(uint32 id) public {
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceNotActive.selector, alice, id));
        vm.prank(alice);
        registry.revokeDevice(id);
    }

    function test_RevertWhen_RevokeAnotherAccountsDevice() public {
        (, address bob) = _makeKey("bob");
        _add(alice);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceNotActive.selector, bob, 1));
        vm.prank(bob);
        registry.revokeDevice(1);
        _assertActive(alice, 1, true);
    }

    function test_RotateKeyAgreementKey_ReplacesKeyAndEmits() public {
        _add(alice);
        bytes32 newKak = keccak256("new");
        bytes memory sig = new bytes(64);
        vm.expectEmit(address(registry));
        emit IDeviceRegistry.KeyAgreementKeyRotated(alice, 1, newKak, 2, sig);
        vm.prank(alice);
        registry.rotateKeyAgreementKey(1, newKak, sig);
        (, bytes32 kak,, bool active) = registry.device(alice, 1);
        vm.assertEq(kak, newKak);
        vm.assertTrue(active);
        vm.assertEq(registry.activeDeviceCount(alice), 1);
    }

    function test_RevertWhen_RotateRevokedDevice() public {
        _add(alice);
        vm.prank(alice);
        registry.revokeDevice(1);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceNotActive.selector, alice, 1));
        vm.prank(alice);
        registry.rotateKeyAgreementKey(1, keccak256("new"), new bytes(64));
        _assertActive(alice, 1, false);
    }

    function test_RevertWhen_RotateToZeroKey() public {
        _add(alice);
        vm.expectRevert(IDeviceRegistry.ZeroKey.selector);
        vm.prank(alice);
        registry.rotateKeyAgreementKey(1, 0, new bytes(64));
    }

    function test_RevertWhen_RotateWithBadSignatureLength() public {
        _add(alice);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.InvalidDeviceSignatureLength.selector, 65));
        vm.prank(alice);
        registry.rotateKeyAgreementKey(1, keccak256("new"), new bytes(65));
    }

    function test_UseNonce_IncrementsAndEmits() public {
        vm.expectEmit(address(registry));
        emit IDeviceRegistry.NonceUsed(alice, 0);
        vm.prank(alice);
        vm.assertEq(registry.useNonce(), 0);
        vm.assertEq(registry.nonces(alice), 1);
        vm.assertEq(registry.sequence(alice), 0);
    }

    function test_Device_UnknownIsEmpty() public view {
        (bytes32 sk, bytes32 kak, uint8 suite, bool active) = registry.device(alice, 1);
        vm.assertEq(sk, bytes32(0));
        vm.assertEq(kak, bytes32(0));
        vm.assertEq(suite, 0);
        vm.assertFalse(active);
    }

    function test_ActiveDevices_PagesInIdOrderSkippingRevoked() public {
        for (uint256 i; i < 5; ++i) {
            _add(alice);
        }
        vm.startPrank(alice);
        registry.revokeDevice(2);
        registry.revokeDevice(4);
        vm.stopPrank();

        (IDeviceRegistry.DeviceInfo[] memory page, uint32 next) = registry.activeDevices(alice, 0, 2);
        vm.assertEq(page.length, 2);
        vm.assertEq(page[0].deviceId, 1);
        vm.assertEq(page[1].deviceId, 3);
        vm.assertEq(next, 4);
        (bytes32 sk, bytes32 kak,) = _device(3);
        vm.assertEq(page[1].signingKey, sk);
        vm.assertEq(page[1].keyAgreementKey, kak);
        vm.assertEq(page[1].suite, SUITE);

        (page, next) = registry.activeDevices(alice, next, 2);
        vm.assertEq(page.length, 1);
        vm.assertEq(page[0].deviceId, 5);
        vm.assertEq(next, 0);
    }

    function test_ActiveDevices_EmptyAccount() public view {
        (IDeviceRegistry.DeviceInfo[] memory page, uint32 next) = registry.activeDevices(alice, 0, 10);
        vm.assertEq(page.length, 0);
        vm.assertEq(next, 0);
    }

    function test_ActiveDevices_StopsAfterMaxPageScan() public {
        uint32 scan = registry.MAX_PAGE_SCAN();
        vm.startPrank(alice);
        for (uint32 id = 1; id <= scan + 1; ++id) {
            (bytes32 sk, bytes32 kak, bytes memory sig) = _device(id);
            registry.addDevice(id, sk, kak, SUITE, sig);
            if (id <= scan) registry.revokeDevice(id);
        }
        vm.stopPrank();
        (IDeviceRegistry.DeviceInfo[] memory page, uint32 next) = registry.activeDevices(alice, 0, 10);
        vm.assertEq(page.length, 0);
        vm.assertEq(next, scan + 1);
        (page, next) = registry.activeDevices(alice, next, 10);
        vm.assertEq(page.length, 1);
        vm.assertEq(page[0].deviceId, scan + 1);
        vm.assertEq(next, 0);
    }

    function testFuzz_ActiveDevices_MatchesDeviceView(uint8 count, uint256 revokeMask, uint8 limit) public {
        count = uint8(_bound(count, 0, 40));
        limit = uint8(_bound(limit, 1, 70));
        for (uint256 i; i < count; ++i) {
            _add(alice);
        }
        for (uint32 id = 1; id <= count; ++id) {
            if ((revokeMask >> id) & 1 == 1) {
                vm.prank(alice);
                registry.revokeDevice(id);
            }
        }
        uint256 seen;
        uint32 cursor;
        uint32 lastId;
        do {
            IDeviceRegistry.DeviceInfo[] memory page;
            (page, cursor) = registry.activeDevices(alice, cursor, limit);
            vm.assertLe(page.length, limit);
            for (uint256 i; i < page.length; ++i) {
                vm.assertTrue(page[i].deviceId > lastId, "ids ascend");
                lastId = page[i].deviceId;
                _assertActive(alice, lastId, true);
            }
            seen += page.length;
        } while (cursor != 0);
        vm.assertEq(seen, registry.activeDeviceCount(alice));
    }

    function test_DomainSeparator_MatchesSpecAndEip5267() public view {
        vm.assertEq(registry.DOMAIN_SEPARATOR(), _domainSeparator(address(registry), block.chainid));
        (bytes1 fields, string memory name, string memory version, uint256 chainId, address verifying,,) =
            registry.eip712Domain();
        vm.assertEq(uint256(uint8(fields)), 0x0f);
        vm.assertEq(keccak256(bytes(name)), keccak256("Parley DeviceRegistry"));
        vm.assertEq(keccak256(bytes(version)), keccak256("1"));
        vm.assertEq(chainId, block.chainid);
        vm.assertEq(verifying, address(registry));
    }
}
