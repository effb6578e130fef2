// Asks before an action that cannot be undone (revoking a grant or an app), runs it once confirmed and
// reports the outcome as a message. Resolves to true when the action was done.
import { ElMessage, ElMessageBox } from 'element-plus';
import { t } from '../../i18n/index.js';

export async function confirmAndRun({ message, action, done, run }) {
  try {
    await ElMessageBox.confirm(message, action, {
      type: 'warning', confirmButtonText: action, cancelButtonText: t('common.cancel'),
    });
  } catch {
    return false;
  }
  try {
    await run();
    ElMessage.success(done);
    return true;
  } catch (e) {
    ElMessage.error(e.message);
    return false;
  }
}
