/*
 * A stand-in for Windows' bcryptprimitives.dll, for the Wine smoke test only.
 *
 * Go 1.24 and later read random bytes with ProcessPrng from this DLL at
 * start-up; Wine 8 ships the DLL without that export, so a Go program dies
 * before main. This stub exports ProcessPrng and fills the buffer from
 * RtlGenRandom (advapi32's SystemFunction036), which Wine does implement.
 * Real Windows 10/11 have their own DLL; this one never ships with Otklik.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	/* RtlGenRandom takes a 32-bit length; ProcessPrng a pointer-sized one. */
	while (length > 0) {
		ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
		if (!SystemFunction036(data, chunk))
			return FALSE;
		data += chunk;
		length -= chunk;
	}
	return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
	(void)instance;
	(void)reason;
	(void)reserved;
	return TRUE;
}
