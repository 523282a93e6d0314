"""Realistic OCR page texts (header columns merged on one line, as Tesseract reads them)."""

from __future__ import annotations

DECISION = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
HUYỆN BẮC TRÀ MY Độc lập - Tự do - Hạnh phúc
Số: 1234/QĐ-UBND Bắc Trà My, ngày 09 tháng 02 năm 2022
QUYẾT ĐỊNH
Về việc trợ cấp xã hội hằng tháng cho bà Trần Thị Bích Hạnh
CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN BẮC TRÀ MY
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Quyết định số 15/2021/QĐ-UBND ngày 03 tháng 4 năm 2021 của UBND tỉnh Quảng Nam;
QUYẾT ĐỊNH:
Điều 1. Trợ cấp xã hội hằng tháng cho bà Trần Thị Bích Hạnh, sinh ngày 12/03/1985,
Số CCCD: 049185001234, thường trú tại thôn 2, xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn Hùng
"""

PERMIT = """UBND HUYỆN NÚI THÀNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 07/GPXD Núi Thành, ngày 1O tháng 11 năm 2O19
GIẤY PHÉP XÂY DỰNG
Số: 07/GPXD
Cấp cho: Ông Lê Văn Thắng
Họ và tên: LÊ VĂN THẮNG
CCCD số 049 079 012 345 cấp ngày 05/06/2021
Địa chỉ: thôn 3, xã Tam Quang, huyện Núi Thành, tỉnh Quảng Nam
"""

LETTER = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
XÃ TRÀ SƠN Độc lập - Tự do - Hạnh phúc
Số: 45/UBND-VP Trà Sơn, ngày 15 tháng 8 năm 2023
V/v đề nghị hỗ trợ kinh phí sửa chữa
nhà văn hóa thôn 4
Kính gửi: Phòng Tài chính - Kế hoạch huyện Bắc Trà My
"""

BUSINESS = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
THÀNH PHỐ TAM KỲ Độc lập - Tự do - Hạnh phúc
GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH
Số: 40B8012345
Chủ hộ kinh doanh: NGUYỄN THỊ MAI
Mã số thuế: 049302004567
Ngày, tháng, năm sinh: 21/07/2002
Công ty liên kết: Mã số thuế: 0100109106-001
Địa chỉ: khối phố 5, phường An Mỹ, thành phố Tam Kỳ, tỉnh Quảng Nam
Tam Kỳ, ngày 02 tháng 03 năm 2024
"""

NO_IDS = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
HUYỆN ĐẠI LỘC Độc lập - Tự do - Hạnh phúc
Số: 12/TB-UBND Đại Lộc, ngày 05 tháng 01 năm 2021
THÔNG BÁO
Về việc tổ chức họp dân thôn 3
Điện thoại liên hệ: 0905 123 456. Fax: 02353 881 234. Tài khoản: 3701 2050 0412 3.
Hồ sơ số 2021.0045.0012 lưu tại bộ phận một cửa. Mã hồ sơ 000.00.22.H49-210105-0012.
"""

